import json
import os
import runpy
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client

from newsroom import health

ROOT = django_settings.BASE_DIR
UNREACHABLE_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def clean_env(**env):
    ours = ("DJANGO_", "DATABASE_", "REDIS_", "WEB_", "GUNICORN_")
    kept = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return {**kept, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env}


def production_env(**env):
    return clean_env(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="news.example",
        **env,
    )


def load_settings(*names, **env):
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_the_suite_runs_on_the_database_and_cache_the_environment_names(db):
    # CI runs everything twice; this proves the second run really is PostgreSQL with Redis.
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    assert connection.vendor == ("postgresql" if postgres else "sqlite")
    expected = RedisCache if os.environ.get("REDIS_URL") else DatabaseCache
    assert isinstance(caches["default"], expected)


# --- /healthz ------------------------------------------------------------------


def test_healthz_reports_database_and_cache_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_healthz_names_a_broken_cache(client, db, settings):
    settings.CACHES = UNREACHABLE_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "failed"}


class DownDatabase:
    def cursor(self):
        raise OperationalError("could not connect to server: Connection refused")


def test_healthz_names_a_broken_database(client, monkeypatch, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(health, "connection", DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "failed", "cache": "ok"}


def test_healthz_is_reachable_over_plain_http_when_everything_else_redirects(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_get_and_head_only(client, db):
    assert client.head("/healthz").status_code == 200
    # Refused by CSRF or by method: a probe never has side effects.
    assert client.post("/healthz").status_code in (403, 405)


# --- security settings for DJANGO_DEBUG=0 ------------------------------------------

SECURITY = [
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS", "SECURE_REDIRECT_EXEMPT",
]


def test_production_turns_every_protection_on():
    loaded = load_settings(*SECURITY, **production_env())
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and loaded["SECURE_HSTS_PRELOAD"] is True
    assert loaded["SESSION_COOKIE_SECURE"] is True and loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SECURE_PROXY_SSL_HEADER"] is None  # trusting a header needs an explicit opt-in
    assert loaded["SECURE_REFERRER_POLICY"] == "same-origin" and loaded["X_FRAME_OPTIONS"] == "DENY"
    assert loaded["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$"]


def test_development_turns_https_only_protections_off():
    loaded = load_settings(*SECURITY, **clean_env())
    assert loaded["SECURE_SSL_REDIRECT"] is False and loaded["SECURE_HSTS_SECONDS"] == 0
    assert loaded["SESSION_COOKIE_SECURE"] is False and loaded["CSRF_COOKIE_SECURE"] is False


@pytest.mark.parametrize(
    "variable,value,setting,expected",
    [
        ("DJANGO_SECURE_SSL_REDIRECT", "0", "SECURE_SSL_REDIRECT", False),
        ("DJANGO_SECURE_HSTS_SECONDS", "0", "SECURE_HSTS_SECONDS", 0),
        ("DJANGO_SECURE_HSTS_SECONDS", "3600", "SECURE_HSTS_SECONDS", 3600),
        ("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", "0", "SECURE_HSTS_INCLUDE_SUBDOMAINS", False),
        ("DJANGO_SECURE_HSTS_PRELOAD", "0", "SECURE_HSTS_PRELOAD", False),
        ("DJANGO_SESSION_COOKIE_SECURE", "0", "SESSION_COOKIE_SECURE", False),
        ("DJANGO_CSRF_COOKIE_SECURE", "0", "CSRF_COOKIE_SECURE", False),
        ("DJANGO_BEHIND_TLS_PROXY", "1", "SECURE_PROXY_SSL_HEADER", ["HTTP_X_FORWARDED_PROTO", "https"]),
    ],
)
def test_each_protection_is_switchable_from_the_environment(variable, value, setting, expected):
    loaded = load_settings(*SECURITY, **production_env(**{variable: value}))
    assert loaded[setting] == expected
    others = {s: v for s, v in load_settings(*SECURITY, **production_env()).items() if s != setting}
    if variable != "DJANGO_SECURE_HSTS_SECONDS":  # HSTS off also turns its two flags off
        assert {s: v for s, v in loaded.items() if s != setting} == others


def check_deploy(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(**env), cwd=ROOT, capture_output=True, text=True,
    )


@pytest.mark.slow
def test_check_deploy_passes_without_warnings_under_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_check_deploy_notices_a_protection_switched_off():
    # Proves the check above would fail if production lost a protection.
    result = check_deploy(DJANGO_SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0 and "security.W008" in result.stderr


# --- static files and gunicorn ---------------------------------------------------


def test_collected_static_files_are_served_hashed_and_cached_for_ever(db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.DEBUG = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()  # a fresh handler, so WhiteNoise scans the new STATIC_ROOT
    html = client.get("/").content.decode()
    href = html.split('rel="stylesheet" href="')[1].split('"')[0]
    assert href.startswith("/static/css/site.") and href != "/static/css/site.css"
    response = client.get(href)
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]


def gunicorn_config(**env):
    saved = os.environ.copy()
    os.environ.clear()
    os.environ.update(clean_env(**env))
    try:
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_gunicorn_workers_follow_the_core_count_and_bind_follows_the_environment():
    config = gunicorn_config()
    assert config["workers"] == 2 * os.cpu_count() + 1
    assert config["wsgi_app"] == "newsroom.wsgi:application"
    assert gunicorn_config(WEB_CONCURRENCY="3")["workers"] == 3
    assert gunicorn_config(GUNICORN_BIND="0.0.0.0:9000")["bind"] == ["0.0.0.0:9000"]


def test_gunicorn_uses_threads_and_a_busy_worker_stops_accepting():
    """A slow client holds a thread, not a process (the slow-body test in tests/test_slow_bodies.py shows it)."""
    config = gunicorn_config()
    assert config["worker_class"] == "gthread" and config["threads"] == 8
    assert config["worker_connections"] == config["threads"]
    assert gunicorn_config(GUNICORN_THREADS="4")["worker_connections"] == 4


def test_gunicorn_access_log_leaves_out_query_strings_and_client_details():
    config = gunicorn_config()
    access = config["access_log_format"]
    assert "%(U)s" in access
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%(a)s", "%(h)s"):  # request line, query, referer, agent, address
        assert atom not in access
    handler = config["logconfig_dict"]["handlers"]["console"]
    assert handler["filters"] == ["redact_emails"]
