import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.test import Client

from comments import intake
from comments.moderation import form_token
from newsroom.logs import REDACTED, JsonLines, RedactEmails, redact
from tests.conftest import reply_data

EMAIL = "jane.secret@example.com"


@pytest.fixture
def log_lines():
    """What the configured console handler writes, one parsed JSON object per line."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonLines))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


@pytest.mark.parametrize(
    "text",
    [EMAIL, "Jane.Secret+news@Example.CO.UK", "jane.secret%40example.com", "jäne@exämple.org", "x@localhost"],
)
def test_anything_email_shaped_is_redacted(text):
    assert redact(f"before {text} after") == f"before {REDACTED} after"


def test_redaction_covers_arguments_and_tracebacks():
    try:
        raise ValueError(f"duplicate key (email)=({EMAIL})")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "reply from %s", (EMAIL,), sys.exc_info())
    RedactEmails().filter(record)
    line = JsonLines().format(record)
    assert EMAIL not in line
    entry = json.loads(line)
    assert entry["message"] == f"reply from {REDACTED}"
    assert "ValueError: duplicate key (email)=([email redacted])" in entry["exception"]
    assert entry["level"] == "error" and entry["logger"] == "x"


def test_reply_post_paths_log_no_email(article, log_lines, monkeypatch):
    client = Client(raise_request_exception=False)
    url = f"/articles/{article.slug}/comments/"
    token = form_token(article)

    assert client.post(url, reply_data(email=EMAIL, token=token)).status_code == 303
    assert client.post(url, reply_data(email=EMAIL, token=token, name="")).status_code == 400

    def broken_submit(submission):
        raise RuntimeError(f"storage failed for {submission.comment.email}")

    monkeypatch.setattr(intake, "submit", broken_submit)
    assert client.post(url, reply_data(email=EMAIL, token=token, body="Another")).status_code == 500
    assert client.get(f"/articles/{EMAIL}/", {"email": EMAIL}).status_code == 404

    lines = log_lines()
    text = json.dumps(lines)
    assert "jane.secret" not in text
    server_error = next(line for line in lines if line.get("status") == 500)
    assert f"storage failed for {REDACTED}" in server_error["exception"]
    assert any(line.get("status") == 400 for line in lines)
    assert any(line.get("status") == 404 and REDACTED in line["message"] for line in lines)


def test_digests_are_redacted_as_postgresql_quotes_them():
    from comments import privacy
    from newsroom.logs import DIGEST_REDACTED

    digest = privacy.email_digest(EMAIL)
    detail = f"Key (kind, action, value)=(commenter, spam, {digest}) already exists."
    assert redact(detail) == f"Key (kind, action, value)=(commenter, spam, {DIGEST_REDACTED}) already exists."
    assert redact("a" * 63) == "a" * 63 and redact("a" * 65) == "a" * 65  # only digest-length runs


def run_server_and_get(tmp_path, **env):
    """Start `manage.py runserver`, make one request, return what it logged on stderr."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env = {**kept, "DJANGO_SETTINGS_MODULE": "newsroom.settings",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}", **env}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        env=env, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        for _ in range(100):
            try:
                # A redirect, which needs no database and only the server logs.
                urllib.request.urlopen(f"http://127.0.0.1:{port}/favicon.ico", timeout=5)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    return [line for line in stderr.splitlines() if "/favicon.ico" in line]


def test_runserver_in_development_logs_readable_lines(tmp_path):
    lines = run_server_and_get(tmp_path, DJANGO_DEBUG="1")
    assert lines and not lines[0].startswith("{")
    assert re.fullmatch(r'\[\d\d:\d\d:\d\d\] INFO django\.server: "GET /favicon\.ico HTTP/1\.1" 302 0', lines[0])


def test_json_logs_when_asked_for_even_under_runserver(tmp_path):
    lines = run_server_and_get(tmp_path, DJANGO_DEBUG="1", DJANGO_LOG_FORMAT="json")
    assert [json.loads(line)["logger"] for line in lines] == ["django.server"]
