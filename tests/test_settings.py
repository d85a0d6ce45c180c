import json
import os
import subprocess
import sys

from django.conf import settings

ROOT = settings.BASE_DIR


def settings_with(**env):
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'db': settings.DATABASES['default'], 'debug': settings.DEBUG,"
        " 'cache': settings.CACHES['default']['BACKEND'], 'hosts': settings.ALLOWED_HOSTS}, default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout)


def settings_values(names, **env):
    """The named settings as loaded in a fresh process with this environment."""
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout)


def test_sqlite_default_uses_wal_busy_timeout_and_immediate_transactions():
    db = settings_with()["db"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_database_and_cache_urls_switch_to_postgres_and_redis():
    loaded = settings_with(DATABASE_URL="postgres://u:p@db.example:5432/news", REDIS_URL="redis://r:6379/1")
    assert loaded["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["db"]["NAME"] == "news" and loaded["db"]["HOST"] == "db.example"
    assert loaded["cache"] == "newsroom.cache.ReusingRedisCache"


def test_environment_sets_debug_and_hosts():
    loaded = settings_with(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="news.example")
    assert loaded["debug"] is False and loaded["hosts"] == ["news.example"]
    assert settings_with()["cache"] == "django.core.cache.backends.db.DatabaseCache"


def test_production_without_a_secret_key_refuses_to_start():
    code = "import django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DJANGO_DEBUG": "0"},
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_the_redis_cache_reuses_one_client_per_pool():
    from newsroom.cache import ReusingRedisCache

    cache = ReusingRedisCache("redis://127.0.0.1:6379/0", {})
    client = cache._cache.get_client(write=True)  # builds the client; connects only when used
    assert cache._cache.get_client("any-key", write=True) is client
    assert cache._cache.get_client(write=False) is client  # one server: one pool for reads and writes
