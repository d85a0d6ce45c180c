"""System checks for the comments app's settings (run by `manage.py check` and at start-up)."""

from django.conf import settings
from django.core import checks

from . import paths


@checks.register(checks.Tags.compatibility)
def thread_depth_fits_thread_path(app_configs, **kwargs):
    """COMMENTS_THREAD_DEPTH must fit Comment.thread_path (comments.paths).

    Past that, PostgreSQL refuses the reply that goes one level too deep (a 500)
    and SQLite stores a path the page queries do not expect.
    """
    depth, deepest = settings.COMMENTS_THREAD_DEPTH, paths.MAX_LEVELS
    if isinstance(depth, int) and 1 <= depth <= deepest:
        return []
    return [
        checks.Error(
            f"COMMENTS_THREAD_DEPTH is {depth!r}; it must be a whole number from 1 to {deepest}.",
            hint=f"Comment.thread_path holds {deepest} levels of {paths.LEVEL} characters each.",
            id="comments.E001",
        )
    ]
