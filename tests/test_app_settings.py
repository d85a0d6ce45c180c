"""The apps' own settings: defaults in each app's conf.py, read on access, overridden by the
project's settings and its environment, and checked for nonsense at start-up."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core import checks

from background.conf import background_settings
from comments.conf import comment_settings
from webhooks.conf import webhook_settings

ROOT = django_settings.BASE_DIR
APPS = {"COMMENTS_WEBHOOKS_": "webhook_settings", "COMMENTS_": "comment_settings", "BACKGROUND_": "background_settings"}


def check_ids(prefix):
    return [error.id for error in checks.run_checks() if error.id.startswith(prefix)]


def check_messages(prefix):
    return [error.msg for error in checks.run_checks() if error.id.startswith(prefix)]


# --- Defaults, read on access --------------------------------------------------------------------


def test_a_setting_the_project_leaves_out_has_the_apps_default(settings):
    del settings.COMMENTS_MAX_LINKS
    del settings.COMMENTS_FLOOD_INTERVAL
    assert not hasattr(django_settings, "COMMENTS_MAX_LINKS")
    assert comment_settings.MAX_LINKS == 2 and comment_settings.FLOOD_INTERVAL == 15


def test_the_projects_value_wins_and_is_read_on_every_access(settings):
    settings.COMMENTS_MAX_LINKS = 7
    assert comment_settings.MAX_LINKS == 7
    settings.COMMENTS_MAX_LINKS = 0
    assert comment_settings.MAX_LINKS == 0
    settings.BACKGROUND_TASK_TIMEOUT, settings.COMMENTS_WEBHOOKS_TIMEOUT = 9, 4
    assert background_settings.TASK_TIMEOUT == 9 and webhook_settings.TIMEOUT == 4


def test_the_email_digest_key_defaults_to_the_secret_key(settings):
    del settings.COMMENTS_EMAIL_DIGEST_KEY
    assert comment_settings.EMAIL_DIGEST_KEY == django_settings.SECRET_KEY
    settings.COMMENTS_EMAIL_DIGEST_KEY = "kept-for-ever"
    assert comment_settings.EMAIL_DIGEST_KEY == "kept-for-ever"


def test_rates_the_project_leaves_out_keep_their_defaults(settings):
    settings.COMMENTS_RATES = {"post": "2/hour"}
    assert comment_settings.RATES == {"report": "10/hour", "post": "2/hour", "read": "600/minute", "recommend": "120/hour"}


def test_a_name_no_app_defines_is_an_error():
    with pytest.raises(AttributeError, match="COMMENTS_FLOOD_INTERVALL"):
        comment_settings.FLOOD_INTERVALL  # noqa: B018


# --- From the environment --------------------------------------------------------------------------


def readme_app_variables():
    """The COMMENTS_… and BACKGROUND_… names of the README's settings table."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Settings"):readme.index("## Moderation")]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    names = [name for row in rows for name in re.findall(r"`([A-Z_]+)`", row.split(" | ")[0])]
    return [name for name in names if name.startswith(("COMMENTS_", "BACKGROUND_"))]


# The few variables that are not one setting each, and where their value goes.
NOT_ONE_SETTING = {
    "COMMENTS_REPORT_RATE": "comment_settings.RATES['report']",
    "COMMENTS_POST_RATE": "comment_settings.RATES['post']",
    "COMMENTS_READ_RATE": "comment_settings.RATES['read']",
    "COMMENTS_RECOMMEND_RATE": "comment_settings.RATES['recommend']",
    "COMMENTS_DIGEST_EVERY_SECONDS": "background_settings.PERIODIC_TASKS['comments.tasks.send_moderation_digest']",
    "BACKGROUND_TASKS_BACKEND": "settings.TASKS['default']['BACKEND']",
}


def expression(name):
    if name in NOT_ONE_SETTING:
        return NOT_ONE_SETTING[name]
    prefix = next(prefix for prefix in APPS if name.startswith(prefix))
    return f"{APPS[prefix]}.{name.removeprefix(prefix)}"


def test_every_variable_in_the_readme_reaches_its_setting():
    names = readme_app_variables()
    assert len(names) > 40 and "COMMENTS_FLOOD_INTERVAL" in names and "BACKGROUND_TASK_TIMEOUT" in names
    scope = {"comment_settings": comment_settings, "background_settings": background_settings,
             "webhook_settings": webhook_settings, "settings": django_settings}
    defaults = {name: eval(expression(name), scope) for name in names}  # noqa: S307 (our own table)
    defaults["BACKGROUND_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"  # tests run tasks inline (conftest)
    values = {int: "7", float: "0.5", str: "https://news.example/purge/{key}", tuple: "desk@news.example"}
    env = {
        name: ("0" if default else "1") if isinstance(default, bool) else values.get(type(default), "7")
        for name, default in defaults.items()
    }
    env.update(COMMENTS_REPORT_RATE="3/hour", COMMENTS_POST_RATE="4/hour", COMMENTS_READ_RATE="5/minute",
               COMMENTS_RECOMMEND_RATE="6/hour",
               BACKGROUND_TASKS_BACKEND="immediate", COMMENTS_TRIAGE_SPAM_AT="0.9", COMMENTS_TRIAGE_HOLD_AT="0.5",
               COMMENTS_SITE_URL="https://news.example/", COMMENTS_CDN_PURGE_METHOD="PURGE",
               COMMENTS_CDN_PURGE_HEADER="Fastly-Key: k", COMMENTS_EMAIL_DIGEST_KEY="digest-key")
    read = "{" + ", ".join(f"{name!r}: {expression(name)}" for name in names) + "}"
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "from comments.conf import comment_settings; from background.conf import background_settings;"
        "from webhooks.conf import webhook_settings; from django.core.checks import run_checks;"
        f"print(json.dumps({{'values': {read}, 'errors': [e.id for e in run_checks() if e.is_serious()]}},"
        " default=list))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COMMENTS_", "BACKGROUND_"))}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    loaded = json.loads(result.stdout)
    assert loaded["errors"] == []
    as_json = json.loads(json.dumps(defaults, default=list))
    unchanged = [name for name in names if loaded["values"][name] == as_json[name]]
    assert unchanged == []
    assert loaded["values"]["COMMENTS_FLOOD_INTERVAL"] == 7 and loaded["values"]["COMMENTS_NEWEST_FIRST"] is True
    assert loaded["values"]["COMMENTS_SITE_URL"] == "https://news.example"
    assert loaded["values"]["COMMENTS_MODERATOR_EMAILS"] == ["desk@news.example"]


def test_without_the_environment_the_project_sets_no_app_setting():
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps(sorted(n for n in dir(settings) if n.startswith(('COMMENTS_', 'BACKGROUND_')))))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COMMENTS_", "BACKGROUND_"))}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    # The project's own choices: which tasks run periodically, and no rate of its own.
    assert json.loads(result.stdout) == ["BACKGROUND_PERIODIC_TASKS", "COMMENTS_RATES"]


# --- System checks -----------------------------------------------------------------------------------


def test_the_defaults_and_the_test_settings_pass_the_checks():
    assert check_ids(("comments.", "background.", "webhooks.")) == []


@pytest.mark.parametrize("name,value", [
    ("FLOOD_INTERVAL", -1), ("DUPLICATE_SECONDS", -3600), ("CLOSE_AFTER_DAYS", -2), ("MAX_LINKS", 1.5),
    ("PAGE_S_MAXAGE", "10"), ("MIN_SUBMIT_SECONDS", True), ("PERSONAL_DATA_DAYS", None),
])
def test_negative_or_not_whole_intervals_ages_and_counts_are_refused(settings, name, value):
    setattr(settings, f"COMMENTS_{name}", value)
    assert check_ids("comments.") == ["comments.E002"]
    assert check_messages("comments.") == [f"COMMENTS_{name} is {value!r}; it must be a whole number, 0 or more."]


@pytest.mark.parametrize("name", ["PER_PAGE", "FEED_ITEMS", "REPORT_THRESHOLD", "FORM_MAX_AGE", "CDN_PURGE_TIMEOUT"])
def test_counts_that_cannot_be_zero_are_refused_at_zero(settings, name):
    setattr(settings, f"COMMENTS_{name}", 0)
    assert check_ids("comments.") == ["comments.E003"]


@pytest.mark.parametrize("value", [1, "0", None])
def test_switches_must_be_true_or_false(settings, value):
    settings.COMMENTS_THROTTLE_ENABLED = value
    assert check_ids("comments.") == ["comments.E004"]


@pytest.mark.parametrize("name,value,errors", [
    ("TRIAGE_SPAM_AT", 1.5, ["comments.E005"]), ("TRIAGE_HOLD_AT", -0.1, ["comments.E005"]),
    ("TRIAGE_SPAM_AT", "0.9", ["comments.E005"]), ("TRIAGE_HOLD_AT", True, ["comments.E005"]),
    ("TRIAGE_SPAM_AT", 0.97, []), ("TRIAGE_HOLD_AT", 0, []), ("TRIAGE_SPAM_AT", 1, []), ("TRIAGE_HOLD_AT", None, []),
])
def test_triage_thresholds_are_scores_from_0_to_1(settings, name, value, errors):
    setattr(settings, f"COMMENTS_{name}", value)
    assert check_ids("comments.") == errors


@pytest.mark.parametrize("rates", [{"post": "lots"}, {"read": "10/fortnight"}, {"report": 10}, {"posts": "1/hour"},
                                   "20/hour"])
def test_rates_must_be_a_number_per_second_minute_hour_or_day(settings, rates):
    settings.COMMENTS_RATES = rates
    assert check_ids("comments.") == ["comments.E006"]


@pytest.mark.parametrize("name,value", [
    ("SITE_URL", "news.example"), ("SITE_URL", "https://news.example/"), ("MODERATOR_EMAILS", "desk@news.example"),
    ("CDN_PURGE_URL", "https://api.fastly.com/purge/all"), ("CDN_PURGE_HEADER", "Fastly-Key"),
    ("CDN_PURGE_METHOD", "purge"), ("EMAIL_DIGEST_KEY", 42),
])
def test_texts_of_the_wrong_form_are_refused(settings, name, value):
    setattr(settings, f"COMMENTS_{name}", value)
    assert check_ids("comments.") == ["comments.E007"]
    assert check_messages("comments.")[0].startswith(f"COMMENTS_{name} is {value!r}; it must")


@pytest.mark.parametrize("name,value,error", [
    ("BACKGROUND_RETRY_BASE_SECONDS", -30, "background.E001"), ("BACKGROUND_TASK_ATTEMPTS", 0, "background.E002"),
    ("BACKGROUND_TASK_TIMEOUT", "600", "background.E002"), ("BACKGROUND_PERIODIC_TASKS", {"x.y": 0}, "background.E003"),
    ("COMMENTS_WEBHOOKS_LOG_DAYS", -1, "webhooks.E001"), ("COMMENTS_WEBHOOKS_ATTEMPTS", 0, "webhooks.E002"),
    ("COMMENTS_WEBHOOKS_ALLOW_PRIVATE", "yes", "webhooks.E003"),
])
def test_background_and_webhook_settings_are_checked_too(settings, name, value, error):
    setattr(settings, name, value)
    assert check_ids(("comments.", "background.", "webhooks.")) == [error]


def test_manage_py_check_names_the_setting_and_stops():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COMMENTS_", "BACKGROUND_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", "COMMENTS_FLOOD_INTERVAL": "-5",
             "COMMENTS_TRIAGE_SPAM_AT": "1.5"},
    )
    assert result.returncode != 0
    assert "(comments.E002) COMMENTS_FLOOD_INTERVAL is -5; it must be a whole number, 0 or more." in result.stderr
    assert "(comments.E005) COMMENTS_TRIAGE_SPAM_AT is 1.5" in result.stderr
