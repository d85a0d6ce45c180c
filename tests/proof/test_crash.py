"""SIGKILL the server mid-load: every reply it acknowledged survives, and the database is sound."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.proof.browserless import Reader

pytestmark = pytest.mark.slow

SLUG = "crash-test-article"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_database(tmp_path):
    """A database of its own for the server under test (it must outlive the server)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "crash.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite_integrity(path)
        return
    import psycopg

    admin = settings.DATABASES["default"]
    name = f"newsroom_crash_{uuid.uuid4().hex[:8]}"
    dsn = f"host={admin['HOST']} port={admin['PORT'] or 5432} user={admin['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{admin['USER']}@{admin['HOST']}:{admin['PORT'] or 5432}/{name}"
    yield url, lambda: "ok"  # PostgreSQL's WAL replay is its own integrity guarantee
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_integrity(path):
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def stored_ids(env):
    code = (
        "import django; django.setup(); from comments.models import Comment;"
        "print(','.join(str(pk) for pk in Comment.objects.values_list('pk', flat=True)))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR,
                         capture_output=True, text=True, check=True).stdout.strip()
    return {int(pk) for pk in out.split(",") if pk}


def start_server(env, port):
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--log-level", "warning"],
        env=env, cwd=settings.BASE_DIR, start_new_session=True,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def page_status_after_restart(port):
    for _ in range(50):
        try:
            return Reader(f"http://127.0.0.1:{port}").open_article(f"/articles/{SLUG}/")[0]
        except OSError:  # workers still booting
            time.sleep(0.1)
    raise AssertionError("the restarted server never answered")


def test_acknowledged_replies_survive_sigkill(server_database):
    url, integrity = server_database
    env = {
        **os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "COMMENTS_FLOOD_INTERVAL": "0", "COMMENTS_MIN_SUBMIT_SECONDS": "0", "COMMENTS_THROTTLE_ENABLED": "0",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run(manage + ["migrate", "-v0"], env=env, cwd=settings.BASE_DIR, check=True)  # cache tables too
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from articles.models import Article;"
         f"Article.objects.create(slug='{SLUG}', title='Crash test', body='Text.')"],
        env=env, cwd=settings.BASE_DIR, check=True,
    )
    port = free_port()
    server = start_server(env, port)
    acknowledged, stop = set(), threading.Event()
    lock = threading.Lock()

    def reader(n):
        client = Reader(f"http://127.0.0.1:{port}")
        i = 0
        try:
            client.open_article(f"/articles/{SLUG}/")
            while not stop.is_set():
                i += 1
                status, headers, _ = client.post_reply(
                    SLUG, name=f"R{n}", email=f"r{n}@example.org", body=f"crash {n}-{i}"
                )
                if status == 303:
                    with lock:
                        acknowledged.add(int(re.search(r"#comment-(\d+)$", headers["Location"])[1]))
        except OSError:
            return  # the server is gone: what it acknowledged so far is what counts

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 60 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(server.pid, signal.SIGKILL)  # master and workers, mid-request
    server.wait()
    stop.set()
    for t in threads:
        t.join()

    assert len(acknowledged) >= 60
    assert integrity() == "ok"
    restarted = start_server(env, port)
    try:
        assert page_status_after_restart(port) == 200
        assert acknowledged <= stored_ids(env)
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait()
    print(f"\n{connection.vendor}: {len(acknowledged)} acknowledged before SIGKILL, all stored; integrity ok")
