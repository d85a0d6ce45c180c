"""The pages of the orders that are not cut along thread_path, and permalinks in every order.

Oldest and Newest are the threaded pages of comments.threads. Most recommended
keeps the threads, ordered by their opening reply's recommendations (ties: oldest
first), so an answer is never read without what it answers. Editors' picks is a
flat list of the picked replies, the latest pick first, each with the name of
the reply it answers. Every order is paged by COMMENTS_PER_PAGE, and its pages
are cached under the article's one version (comments.page_cache).
"""

from django.db.models import F, Q
from django.db.models.functions import Left

from . import page_cache, paths
from .conf import comment_settings
from .models import Comment
from .orders import Sort, default_sort

# The columns the reply templates use (not a privacy boundary: what a template shows is its own choice).
PUBLIC_COLUMNS = (
    "article_id", "parent_id", "depth", "name", "website", "body_html", "status", "created_at",
    "staff_title", "picked_at", "recommend_count", "edited_at",
)
ROOT_LENGTH = paths.prefix_length(0)  # a thread's opening reply: the first id of thread_path


def sort_links(sort):
    """(label, query, current) for each order, for the links above the replies."""
    return [(label, page_cache.page_query(1, value), value == sort) for value, label in Sort.LABELS.items()]


def roots_by_recommendations(comments):
    """The article's top-level published replies, most recommended first."""
    return comments.top_level().order_by(F("recommend_count").desc(), "thread_path")


def picks(comments):
    return comments.public().filter(picked_at__isnull=False).order_by(F("picked_at").desc(), "pk")


def recommended_page(comments, shown, first, per_page):
    """The replies of threads [first, first + per_page) in the recommended order, in that order."""
    roots = list(roots_by_recommendations(comments).values_list("thread_path", flat=True)[first: first + per_page])
    rank = {path: n for n, path in enumerate(roots)}
    replies = shown.annotate(root=Left("thread_path", ROOT_LENGTH)).filter(root__in=roots)
    replies = replies.in_thread_order().only(*PUBLIC_COLUMNS)
    return sorted(replies, key=lambda reply: rank[reply.thread_path[:ROOT_LENGTH]])


def picks_page(comments, first, per_page):
    """Picked replies [first, first + per_page) as a flat list, each knowing whom it answers."""
    replies = list(picks(comments).only(*PUBLIC_COLUMNS)[first: first + per_page])
    parents = dict(Comment.objects.filter(pk__in={r.parent_id for r in replies if r.parent_id})
                   .values_list("pk", "name"))
    for reply in replies:
        reply.in_reply_to = parents.get(reply.parent_id)
        reply.level, reply.opens_children, reply.closes = 0, False, range(0)
    return replies


def page_number(comment, sort=None):
    """The page of `comment` in this order; None when that order does not show it."""
    per_page = comment_settings.PER_PAGE
    sort = sort or default_sort()
    if sort in Sort.THREADED:
        return comment.page_number(newest_first=sort == Sort.NEWEST)
    comments = Comment.objects.for_article(comment.article_id)
    if sort == Sort.PICKS:
        if comment.picked_at is None or not picks(comments).filter(pk=comment.pk).exists():
            return None
        before = picks(comments).filter(
            Q(picked_at__gt=comment.picked_at) | Q(picked_at=comment.picked_at, pk__lt=comment.pk)
        ).count()
        return before // per_page + 1
    # Only published threads are in this order (an author's own pending thread is in the default one).
    root_path = comment.thread_path[:ROOT_LENGTH]
    count = comments.top_level().filter(thread_path=root_path).values_list("recommend_count", flat=True).first()
    if count is None:
        return None
    before = comments.top_level().filter(
        Q(recommend_count__gt=count) | Q(recommend_count=count, thread_path__lt=root_path)
    ).count()
    return before // per_page + 1


def permalink(comment, sort=None):
    """The reply on its page in this order, or in the default order when this one does not show it."""
    sort = sort or default_sort()
    page = page_number(comment, sort)
    if page is None:
        sort, page = default_sort(), comment.page_number()
    return f"{page_cache.page_url(comment.article.slug, page, sort)}#comment-{comment.pk}"
