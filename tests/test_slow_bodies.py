"""Clients that send their request body slowly must not keep other readers waiting (gunicorn.conf.py).

Run bare (no buffering proxy in front), gunicorn with sync workers gave each slow
body a whole worker: 12 such connections held every worker and a reader's page
waited for the 30 s worker timeout. With threads, a slow body holds one thread.
"""

import os
import secrets
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

SLOW_CLIENTS = 12


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """gunicorn with gunicorn.conf.py and production settings, on a database of its own."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_",
                                                                      "WEB_CONCURRENCY"))},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0", "DATABASE_URL": f"sqlite:///{tmp_path / 'slow.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}", "DJANGO_LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=settings.BASE_DIR, check=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], env=env, cwd=settings.BASE_DIR,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def slow_request(port, path, content_type):
    """Headers promising 100 bytes of body, then one byte of it."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=30)
    conn.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        "Content-Length: 100\r\n\r\n{".encode()
    )
    return conn


def get(port, path, timeout):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        return conn.recv(200).split(b"\r\n", 1)[0]


def test_a_reader_is_served_while_twelve_clients_send_their_bodies_slowly(server):
    assert get(server, "/healthz", timeout=10) == b"HTTP/1.1 200 OK"
    slow = [
        slow_request(server, *target)
        for target in [("/api/articles/any/comments/", "application/json"),
                       ("/articles/any/comments/", "application/x-www-form-urlencoded")] * (SLOW_CLIENTS // 2)
    ]
    try:
        time.sleep(1)  # every slow request is in the application, waiting for its body
        # Sync workers kept this reader waiting for the 30 s worker timeout.
        assert get(server, "/healthz", timeout=5) == b"HTTP/1.1 200 OK"
        # The slow clients were held, not dropped: each is answered once its body arrives.
        for conn in slow:
            conn.sendall(b" " * 99)
            assert conn.recv(100).startswith(b"HTTP/1.1 4")
    finally:
        for conn in slow:
            conn.close()
