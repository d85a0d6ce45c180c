"""The orders readers choose for an article's replies: ?sort=oldest|newest|picks|recommended.

Oldest and Newest are the threaded pages of comments.threads, cut along thread_path.
Most recommended keeps the threads too, ordered by their opening reply's
recommendations (ties: oldest first), so an answer is never read without what it
answers. Editors' picks is a flat list of the picked replies, the latest pick first,
each with the name of the reply it answers. Every order is paged by
COMMENTS_PER_PAGE and its pages are cached under the article's one version.
"""

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Left
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .models import Comment

ROOT_LENGTH = 10  # a thread's opening reply: the first id of thread_path


class Sort:
    OLDEST, NEWEST, PICKS, RECOMMENDED = "oldest", "newest", "picks", "recommended"
    LABELS = {OLDEST: _("Oldest"), NEWEST: _("Newest"), PICKS: _("Editors' picks"), RECOMMENDED: _("Most recommended")}
    THREADED = (OLDEST, NEWEST)


def default_sort():
    return Sort.NEWEST if settings.COMMENTS_NEWEST_FIRST else Sort.OLDEST


def parse_sort(value):
    """The order in ?sort=, the site's default when absent; None for anything else."""
    if value is None or value == "":
        return default_sort()
    return value if value in Sort.LABELS else None


def query(sort, page=1):
    """The query string of a page in an order ("" for the default order's first page)."""
    params = {}
    if sort != default_sort():
        params["sort"] = sort
    if page > 1:
        params["cpage"] = page
    return f"?{urlencode(params)}" if params else ""


def sort_links(sort):
    """(label, query, current) for each order, for the links above the replies."""
    return [(label, query(value), value == sort) for value, label in Sort.LABELS.items()]


def roots_by_recommendations(comments):
    """The article's top-level published replies, most recommended first."""
    return comments.approved().filter(parent=None).order_by(F("recommend_count").desc(), "thread_path")


def picks(comments):
    return comments.public().filter(picked_at__isnull=False).order_by(F("picked_at").desc(), "pk")


def recommended_page(comments, shown, first, per_page):
    """The replies of threads [first, first + per_page) in the recommended order, in that order."""
    roots = list(roots_by_recommendations(comments).values_list("thread_path", flat=True)[first: first + per_page])
    rank = {path: n for n, path in enumerate(roots)}
    replies = shown.annotate(root=Left("thread_path", ROOT_LENGTH)).filter(root__in=roots).shown()
    return sorted(replies, key=lambda reply: rank[reply.thread_path[:ROOT_LENGTH]])


def picks_page(comments, first, per_page):
    """Picked replies [first, first + per_page) as a flat list, each knowing whom it answers."""
    replies = list(picks(comments).only(
        "article_id", "parent_id", "depth", "name", "website", "body_html", "status", "created_at",
        "staff_title", "picked_at", "recommend_count",
    )[first: first + per_page])
    parents = dict(Comment.objects.filter(pk__in={r.parent_id for r in replies if r.parent_id})
                   .values_list("pk", "name"))
    for reply in replies:
        reply.in_reply_to = parents.get(reply.parent_id)
        reply.level, reply.opens_children, reply.closes = 0, False, range(0)
    return replies


def ranked_page_number(comment, sort, per_page):
    """The page of `comment` in the picks or recommended order; None when that order does not show it."""
    comments = Comment.objects.for_article(comment.article_id)
    if sort == Sort.PICKS:
        if comment.picked_at is None or not picks(comments).filter(pk=comment.pk).exists():
            return None
        before = picks(comments).filter(
            Q(picked_at__gt=comment.picked_at) | Q(picked_at=comment.picked_at, pk__lt=comment.pk)
        ).count()
        return before // per_page + 1
    # Only published threads are in this order (an author's own pending thread is in the default one).
    root = comments.approved().filter(parent=None, thread_path=comment.thread_path[:ROOT_LENGTH]).values_list(
        "recommend_count", flat=True)
    count = root.first()
    if count is None:
        return None
    before = comments.approved().filter(parent=None).filter(
        Q(recommend_count__gt=count) | Q(recommend_count=count, thread_path__lt=comment.thread_path[:ROOT_LENGTH])
    ).count()
    return before // per_page + 1
