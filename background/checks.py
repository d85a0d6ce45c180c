"""System checks for the background app's settings (defaults: background/conf.py)."""

from django.core import checks

from newsroom.app_settings import whole_numbers

from .conf import background_settings


@checks.register()
def settings_make_sense(app_configs, **kwargs):
    errors = [
        *whole_numbers(background_settings, ["RETRY_BASE_SECONDS", "RETRY_MAX_SECONDS"], minimum=0, id="background.E001"),
        *whole_numbers(background_settings, ["TASK_ATTEMPTS", "TASK_TIMEOUT"], minimum=1, id="background.E002"),
    ]
    periodic = background_settings.PERIODIC_TASKS
    if not isinstance(periodic, dict) or not all(type(s) is int and s >= 1 for s in periodic.values()):
        errors.append(checks.Error(
            f"BACKGROUND_PERIODIC_TASKS is {periodic!r}; it must map task paths to whole numbers of seconds, 1 or more.",
            id="background.E003",
        ))
    return errors
