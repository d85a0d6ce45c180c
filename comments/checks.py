"""System checks for the comments app's settings (run by `manage.py check` and at start-up).

Each setting's default is in comments/conf.py; a value that makes no sense stops
the site at start-up with the setting's name, rather than failing a reader later.
"""

import re

from django.conf import settings
from django.core import checks

from newsroom.app_settings import booleans, whole_numbers

from . import paths
from .conf import RATES, comment_settings

# Seconds, days and counts where 0 means "off" or "none".
ZERO_OR_MORE = [
    "MIN_SUBMIT_SECONDS", "FLOOD_INTERVAL", "DUPLICATE_SECONDS", "MAX_LINKS", "CLOSE_AFTER_DAYS",
    "PERSONAL_DATA_DAYS", "NOTIFY_BATCH_SECONDS", "REPLIES_CACHE_SECONDS", "PAGE_MAX_AGE", "PAGE_S_MAXAGE",
    "PAGE_STALE_WHILE_REVALIDATE", "UNDO_SECONDS", "QUEUE_ALERT_MINUTES", "EDIT_SECONDS",
]
# Where 0 would refuse everything or divide the replies into pages of none.
ONE_OR_MORE = [
    "PER_PAGE", "FORM_MAX_AGE", "FLOOD_IP_ALLOWANCE", "REPORT_THRESHOLD", "CONFIRM_MAX_AGE", "UNSUBSCRIBE_MAX_AGE",
    "FEED_ITEMS", "TRIAGE_MIN_DECISIONS", "TRIAGE_RETRAIN_EVERY", "CDN_PURGE_TIMEOUT", "APPEAL_MAX_AGE",
]
SWITCHES = [
    "NEWEST_FIRST", "THROTTLE_ENABLED", "TRUST_X_FORWARDED_FOR", "CONFIRM_EMAIL", "DECISION_NOTICES", "ACCOUNTS",
    "REQUIRE_ACCOUNT",
]
THRESHOLDS = ["TRIAGE_SPAM_AT", "TRIAGE_HOLD_AT"]
RATE = re.compile(r"[0-9]+/(second|minute|hour|day)s?")


@checks.register(checks.Tags.compatibility)
def thread_depth_fits_thread_path(app_configs, **kwargs):
    """COMMENTS_THREAD_DEPTH must fit Comment.thread_path (comments.paths).

    Past that, PostgreSQL refuses the reply that goes one level too deep (a 500)
    and SQLite stores a path the page queries do not expect.
    """
    depth, deepest = comment_settings.THREAD_DEPTH, paths.MAX_LEVELS
    if type(depth) is int and 1 <= depth <= deepest:
        return []
    return [
        checks.Error(
            f"COMMENTS_THREAD_DEPTH is {depth!r}; it must be a whole number from 1 to {deepest}.",
            hint=f"Comment.thread_path holds {deepest} levels of {paths.LEVEL} characters each.",
            id="comments.E001",
        )
    ]


@checks.register()
def settings_make_sense(app_configs, **kwargs):
    return [
        *whole_numbers(comment_settings, ZERO_OR_MORE, minimum=0, id="comments.E002"),
        *whole_numbers(comment_settings, ONE_OR_MORE, minimum=1, id="comments.E003"),
        *booleans(comment_settings, SWITCHES, id="comments.E004"),
        *_thresholds(),
        *_rates(),
        *_texts(),
    ]


def _thresholds():
    errors = []
    for name in THRESHOLDS:
        value = getattr(comment_settings, name)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if value is not None and not (number and 0 <= value <= 1):
            errors.append(checks.Error(
                f"COMMENTS_{name} is {value!r}; it must be a triage score from 0 to 1, or None "
                "(the threshold each training chooses).",
                hint="In the environment: a number such as 0.9, or leave it unset.",
                id="comments.E005",
            ))
    return errors


def _rates():
    if not isinstance(getattr(settings, "COMMENTS_RATES", {}), dict):
        return [checks.Error(
            f"COMMENTS_RATES is {settings.COMMENTS_RATES!r}; it must be a dict such as {{\"post\": \"20/hour\"}}.",
            id="comments.E006",
        )]
    rates = comment_settings.RATES
    wrong = {scope: rate for scope, rate in rates.items() if not (isinstance(rate, str) and RATE.fullmatch(rate))}
    unknown = set(rates) - set(RATES)
    if not wrong and not unknown:
        return []
    named = ", ".join(f"{scope}: {rate!r}" for scope, rate in wrong.items()) or f"unknown scopes {sorted(unknown)}"
    return [checks.Error(
        f"COMMENTS_RATES has {named}; each of report, post, read and recommend is a rate such as \"20/hour\".",
        hint="COMMENTS_REPORT_RATE, COMMENTS_POST_RATE, COMMENTS_READ_RATE, COMMENTS_RECOMMEND_RATE: a number, "
        "a slash, and second, minute, hour or day.",
        id="comments.E006",
    )]


def _texts():
    s, errors = comment_settings, []

    def error(name, must):
        errors.append(checks.Error(f"COMMENTS_{name} is {getattr(s, name)!r}; {must}", id="comments.E007"))

    if not (isinstance(s.SITE_URL, str) and re.fullmatch(r"https?://[^/\s]+(/\S*)?", s.SITE_URL)):
        error("SITE_URL", "it must be the site's public http:// or https:// address.")
    elif s.SITE_URL.endswith("/"):
        error("SITE_URL", "it must not end with a slash (links in emails add their own).")
    if not isinstance(s.EMAIL_DIGEST_KEY, str):
        error("EMAIL_DIGEST_KEY", "it must be a string (empty: the SECRET_KEY).")
    emails = s.MODERATOR_EMAILS
    if isinstance(emails, str) or not all(isinstance(each, str) for each in emails):
        error("MODERATOR_EMAILS", "it must be a list of addresses (comma-separated in the environment).")
    if not isinstance(s.CDN_PURGE_URL, str) or (s.CDN_PURGE_URL and "{key}" not in s.CDN_PURGE_URL):
        error("CDN_PURGE_URL", "it must be empty or a URL with {key} where the article's surrogate key goes.")
    if not isinstance(s.CDN_PURGE_HEADER, str) or (s.CDN_PURGE_HEADER and ":" not in s.CDN_PURGE_HEADER):
        error("CDN_PURGE_HEADER", "it must be empty or one header, \"Name: value\".")
    if not (isinstance(s.CDN_PURGE_METHOD, str) and re.fullmatch(r"[A-Z]+", s.CDN_PURGE_METHOD)):
        error("CDN_PURGE_METHOD", "it must be an HTTP method such as POST or PURGE.")
    return errors
