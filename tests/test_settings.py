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


def test_the_redis_cache_builds_one_client_for_every_kind_of_operation(monkeypatch):
    """Django's own client builds a redis.Redis per operation; ours one per pool. No server needed:
    the client class is replaced by a mock that counts how often it is built."""
    from unittest import mock

    from newsroom.cache import ReusingRedisCache

    cache = ReusingRedisCache("redis://127.0.0.1:6379/0", {})
    redis_class = mock.Mock()
    redis_class.return_value.get.return_value = None
    redis_class.return_value.mget.return_value = []
    monkeypatch.setattr(cache._cache, "_client", redis_class)
    cache.set("a", 1)
    cache.get("a")
    cache.add("b", 2)
    cache.get_many(["a", "b"])
    cache.set_many({"c": 3})
    cache.incr("a")
    cache.touch("a")
    cache.delete("a")
    cache.has_key("b")
    assert redis_class.call_count == 1


def test_the_private_names_of_djangos_redis_backend_that_newsroom_cache_relies_on():
    """newsroom/cache.py overrides RedisCacheClient.get_client and uses three private names of
    it, and RedisCache's private `_class`. An upgrade of Django that renames one fails here
    (rather than silently building a client per call again): rewrite cache.py, or use django-redis."""
    import inspect

    from django.core.cache.backends.redis import RedisCache, RedisCacheClient

    from newsroom.cache import ClientPerPool, ReusingRedisCache

    client = RedisCacheClient(["redis://127.0.0.1:6379/0"])
    assert client._client.__name__ == "Redis"  # the class get_client builds (redis.Redis)
    assert list(inspect.signature(RedisCacheClient._get_connection_pool_index).parameters) == ["self", "write"]
    assert list(inspect.signature(RedisCacheClient._get_connection_pool).parameters) == ["self", "write"]
    assert inspect.signature(RedisCacheClient.get_client) == inspect.signature(ClientPerPool.get_client)
    assert RedisCache("redis://127.0.0.1:6379/0", {})._class is RedisCacheClient
    assert type(ReusingRedisCache("redis://127.0.0.1:6379/0", {})._cache) is ClientPerPool


# --- Hygiene: nothing of the tests in the production settings -------------------------------------


def test_production_settings_know_nothing_of_tests():
    source = (ROOT / "newsroom" / "settings.py").read_text()
    assert "testserver" not in source and '"TEST"' not in source and "globals()" not in source
    assert "testserver" not in settings_with()["hosts"]
    assert "TEST" not in settings_with()["db"] or not settings_with()["db"]["TEST"].get("NAME")


def test_the_site_language_comes_from_the_environment():
    assert settings_values(["LANGUAGE_CODE"]) == {"LANGUAGE_CODE": "en"}
    assert settings_values(["LANGUAGE_CODE"], DJANGO_LANGUAGE_CODE="ru") == {"LANGUAGE_CODE": "ru"}
    from django.conf import settings as loaded

    assert [code for code, _ in loaded.LANGUAGES] == ["en", "ru"]
    assert loaded.LOCALE_PATHS == [ROOT / "locale"]
    # One language per site, never per reader: shared pages are cached once for everyone.
    assert "django.middleware.locale.LocaleMiddleware" not in loaded.MIDDLEWARE


# --- `migrate` alone makes the database cache's tables ---------------------------------------------


def test_the_migration_creates_the_database_cache_tables(db, settings):
    """Django's test database setup runs createcachetable itself, so drop the tables and run the
    migration's code again; the fresh-start test below shows `migrate` alone in a new process."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "newsroom_cache"},
        "limits": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "newsroom_limits"},
    }
    assert MigrationRecorder(connection).applied_migrations().keys() >= {("comments", "0009_cache_tables")}
    with connection.cursor() as cursor:
        for table in ("newsroom_cache", "newsroom_limits"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    assert not {"newsroom_cache", "newsroom_limits"} & set(connection.introspection.table_names())
    migration = importlib.import_module("comments.migrations.0009_cache_tables")
    migration.create_cache_tables(apps, SimpleNamespace(connection=connection))  # all it reads of the editor
    assert {"newsroom_cache", "newsroom_limits"} <= set(connection.introspection.table_names())


def test_a_fresh_site_works_after_migrate_alone(tmp_path):
    """`make run` on a new checkout: migrate, no createcachetable, and the article page renders."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    code = (
        "import django; django.setup(); from django.db import connection; from django.test import Client;"
        "from articles.models import Article;"
        "article = Article.objects.create(slug='fresh', title='Fresh start', body='Text.');"
        "print(sorted(t for t in connection.introspection.table_names() if t.startswith('newsroom_')));"
        "response = Client(HTTP_HOST='localhost').get(article.get_absolute_url());"
        "print(response.status_code, b'Fresh start' in response.content)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["['newsroom_cache', 'newsroom_limits']", "200 True"]
