import io
import json
import logging
import sys

import pytest
from django.test import Client

from comments.models import Comment
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

    monkeypatch.setattr(Comment.objects, "submit", broken_submit)
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
