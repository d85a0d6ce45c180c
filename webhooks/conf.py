"""The webhooks app's settings and their defaults (``webhook_settings.TIMEOUT`` is
``settings.COMMENTS_WEBHOOKS_TIMEOUT`` if the project sets it)."""

from newsroom.app_settings import AppSettings

DEFAULTS = {
    # Deliveries to private, loopback or link-local addresses are refused unless this is
    # on (a receiver on the same host or network).
    "ALLOW_PRIVATE": False,
    "TIMEOUT": 10,
    "ATTEMPTS": 8,
    # An endpoint is switched off when this many attempts in a row failed over at least these hours.
    "DISABLE_AFTER_FAILURES": 20,
    "DISABLE_AFTER_HOURS": 24,
    # Days the delivery log (with each payload: names and reply text) is kept.
    "LOG_DAYS": 14,
}

webhook_settings = AppSettings("COMMENTS_WEBHOOKS_", DEFAULTS)
