"""The background app's settings and their defaults (``background_settings.TASK_TIMEOUT``
is ``settings.BACKGROUND_TASK_TIMEOUT`` if the project sets it)."""

from newsroom.app_settings import AppSettings

DEFAULTS = {
    # A failed task runs again after BASE, 2×BASE, 4×BASE… seconds (at most MAX), up to
    # TASK_ATTEMPTS runs in all (a task may name a setting of its own: retries.attempts).
    "TASK_ATTEMPTS": 5,
    "RETRY_BASE_SECONDS": 30,
    "RETRY_MAX_SECONDS": 3600,
    # A task "running" for longer than this was left by a worker that died; it is run again.
    "TASK_TIMEOUT": 600,
    # {"app.tasks.task": seconds}: `manage.py run_periodic` (cron, every minute) queues each
    # at most once per interval. Which tasks is the project's choice (newsroom/settings.py).
    "PERIODIC_TASKS": {},
}

background_settings = AppSettings("BACKGROUND_", DEFAULTS)
