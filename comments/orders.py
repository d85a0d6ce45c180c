"""The orders readers choose for an article's replies: ?sort=oldest|newest|picks|recommended.

Names and parsing only (comments.page_cache builds the URLs and keys with them;
comments.sorting cuts the pages of the picks and most-recommended orders).
"""

from django.utils.translation import gettext_lazy as _

from .conf import comment_settings


class Sort:
    OLDEST, NEWEST, PICKS, RECOMMENDED = "oldest", "newest", "picks", "recommended"
    LABELS = {OLDEST: _("Oldest"), NEWEST: _("Newest"), PICKS: _("Editors' picks"), RECOMMENDED: _("Most recommended")}
    THREADED = (OLDEST, NEWEST)


def default_sort():
    return Sort.NEWEST if comment_settings.NEWEST_FIRST else Sort.OLDEST


def parse_sort(value):
    """The order in ?sort=, the site's default when absent; None for anything else."""
    if value is None or value == "":
        return default_sort()
    return value if value in Sort.LABELS else None
