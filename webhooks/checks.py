"""System checks for the webhooks app's settings (defaults: webhooks/conf.py)."""

from django.core import checks

from newsroom.app_settings import booleans, whole_numbers

from .conf import webhook_settings


@checks.register()
def settings_make_sense(app_configs, **kwargs):
    return [
        *whole_numbers(webhook_settings, ["DISABLE_AFTER_HOURS", "LOG_DAYS"], minimum=0, id="webhooks.E001"),
        *whole_numbers(
            webhook_settings, ["TIMEOUT", "ATTEMPTS", "DISABLE_AFTER_FAILURES"], minimum=1, id="webhooks.E002",
        ),
        *booleans(webhook_settings, ["ALLOW_PRIVATE"], id="webhooks.E003"),
    ]
