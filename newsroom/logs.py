"""Structured logs: one JSON object per line, with anything email- or digest-shaped redacted.

Views never log request bodies, so no log line should carry a commenter's
address in the first place. The redaction is defence in depth for what we do
not control: a path or query string a client typed, a database error that
quotes a row (PostgreSQL's "Key (…)=(…) already exists" names the email digest
of a duplicate ban), a traceback. It runs on the handler, so it sees every record
that reaches it, propagated or not, from Django and from gunicorn alike.
"""

import json
import logging
import re
import time

REDACTED = "[email redacted]"
DIGEST_REDACTED = "[digest redacted]"

# local@domain, also percent-encoded (%40) as it appears in logged URLs.
# Deliberately broader than a valid address: a false positive costs nothing.
_ADDRESS_PART = r"""[^\s@"'<>()\[\]{},;:/?&=]+"""
_EMAIL_SHAPED = re.compile(rf"{_ADDRESS_PART}(?:@|%40){_ADDRESS_PART}", re.IGNORECASE)


# Keyed digests (HMAC-SHA256 in hex): not reversible, but they link a commenter's
# replies across logs, so no log line carries one either.
_DIGEST_SHAPED = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")


def redact(text):
    return _DIGEST_SHAPED.sub(DIGEST_REDACTED, _EMAIL_SHAPED.sub(REDACTED, text))


class RedactEmails(logging.Filter):
    """Replace email- and digest-shaped text in a record's message and traceback."""

    def filter(self, record):
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonLines(logging.Formatter):
    """time (UTC), level, logger, message; status and exception when the record has them."""

    converter = time.gmtime

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def config(level="INFO", *, extra_loggers=(), readable=False):
    """A dictConfig for Django's LOGGING and gunicorn's logconfig_dict alike.

    `readable` gives plain lines for a developer's terminal (runserver) instead of JSON;
    emails are redacted either way.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact_emails": {"()": "newsroom.logs.RedactEmails"}},
        "formatters": {
            "json": {"()": "newsroom.logs.JsonLines"},
            "readable": {"format": "[%(asctime)s] %(levelname)s %(name)s: %(message)s", "datefmt": "%H:%M:%S"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "readable" if readable else "json",
                "filters": ["redact_emails"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's defaults give these loggers their own handlers (a plain
        # console, mail_admins); empty them so every record reaches the root's.
        "loggers": {
            name: {"handlers": [], "level": level, "propagate": True}
            for name in ("django", "django.server", *extra_loggers)
        },
    }
