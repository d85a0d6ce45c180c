"""Pages of threads for the article page.

A page holds COMMENTS_PER_PAGE top-level approved replies with everything
under them, oldest thread first (or newest, with COMMENTS_NEWEST_FIRST).
Pages are cut along thread_path: each page is one range of paths, found from
the paths of the top-level replies at its edges. So a page costs the same few
queries however many replies the article has, and every reply, including an
author's own pending one, falls on exactly one page, which `page_number`
computes for permalinks.

Nesting is worked out here in one pass over the replies in thread order, so
the template writes nested lists from flags instead of including itself
recursively.
"""

from itertools import pairwise
from math import ceil

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q

from .models import Comment, Status


class ThreadPage:
    """One page of an article's threads, with the reply count for the heading.

    Four queries in all (counts, edges, replies), whatever the number of replies.
    """

    def __init__(self, article, number=None, own_ids=()):
        comments = Comment.objects.for_article(article)
        counts = comments.public().aggregate(
            replies=Count("pk"), threads=Count("pk", filter=Q(parent=None))
        )
        self.reply_count = counts["replies"]
        self.newest_first = settings.COMMENTS_NEWEST_FIRST
        self.paginator = Paginator(range(counts["threads"]), settings.COMMENTS_PER_PAGE)
        self.page = self.paginator.get_page(number)

        lower, upper = self._edges(top_level(comments))
        shown = comments.public_or_own(own_ids)
        if lower is not None:
            shown = shown.filter(thread_path__gte=lower)
        if upper is not None:
            shown = shown.filter(thread_path__lt=upper)
        replies = shown.shown()
        if self.newest_first:
            replies = newest_threads_first(replies)
        self.replies = nest(replies)

    def _edges(self, roots):
        """[lower, upper) of the thread paths on this page; None leaves that side open."""
        per_page = self.paginator.per_page
        first = (self.page.number - 1) * per_page
        paths = roots.values_list("thread_path", flat=True)
        if self.newest_first:
            # The last thread of the previous page is this page's ceiling.
            edge = list(paths.order_by("-thread_path")[max(first - 1, 0) : first + per_page])
            upper = edge.pop(0) if first else None
            lower = edge[-1] if self.page.has_next() else None
        else:
            # The first thread of the next page is this page's ceiling.
            edge = list(paths.order_by("thread_path")[first : first + per_page + 1])
            lower = edge[0] if first else None
            upper = edge[per_page] if len(edge) > per_page else None
        return lower, upper

    def approved_reply(self, pk):
        """The approved reply `pk` if it is on this page (for "Replying to …"), else None."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        return next((r for r in self.replies if r.pk == pk and r.status == Status.APPROVED), None)

    def page_links(self):
        return self.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)


def top_level(comments):
    return comments.approved().filter(parent=None)


def page_number(comment):
    """The page of its article's replies that shows `comment`."""
    per_page = settings.COMMENTS_PER_PAGE
    roots = top_level(Comment.objects.for_article(comment.article_id))
    if settings.COMMENTS_NEWEST_FIRST:
        counts = roots.aggregate(
            threads=Count("pk"), newer=Count("pk", filter=Q(thread_path__gt=comment.thread_path))
        )
        return min(counts["newer"] // per_page + 1, max(1, ceil(counts["threads"] / per_page)))
    up_to_here = roots.filter(thread_path__lte=comment.thread_path).count()
    return max(1, ceil(up_to_here / per_page))


def newest_threads_first(replies):
    threads = []
    for reply in replies:
        if reply.parent_id is None or not threads:
            threads.append([])
        threads[-1].append(reply)
    return [reply for thread in reversed(threads) for reply in thread]


def nest(replies):
    """Set level, opens_children and closes (a range of lists to close) on each reply.

    A reply whose parent is not on the page (erased) starts a thread of its own.
    """
    levels = {}
    for reply in replies:
        reply.level = levels[reply.pk] = levels.get(reply.parent_id, -1) + 1
    for reply, following in pairwise([*replies, None]):
        next_level = following.level if following else 0
        reply.opens_children = next_level > reply.level
        reply.closes = range(max(reply.level - next_level, 0))
    return replies
