"""Pages of threads for the article page.

A page holds COMMENTS_PER_PAGE top-level approved replies with everything
under them, oldest thread first (or newest, with COMMENTS_NEWEST_FIRST).
Pages are cut along thread_path: each page is one range of paths, found from
the paths of the top-level replies at its edges. So a page costs the same few
queries however many replies the article has, and every reply, including an
author's own pending one, falls on exactly one page, which Comment.page_number
computes for permalinks.

Nesting is worked out here in one pass over the replies in thread order, so
the template writes nested lists from flags instead of including itself
recursively.
"""

import re
from itertools import pairwise

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import page_cache
from .conf import comment_settings
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
        self.newest_first = comment_settings.NEWEST_FIRST
        self.paginator = Paginator(range(counts["threads"]), comment_settings.PER_PAGE)
        self.page = self.paginator.get_page(number)

        lower, upper = self._edges(comments.top_level())
        shown = comments.public_or_own(own_ids)
        if lower is not None:
            shown = shown.filter(thread_path__gte=lower)
        if upper is not None:
            shown = shown.filter(thread_path__lt=upper)
        # The columns the templates use: fewer bytes from the database. Not a privacy boundary
        # (a deferred field loads when read); what a template may show is its own choice.
        replies = list(shown.in_thread_order().only(
            "article_id", "parent_id", "depth", "name", "website", "body_html", "status", "created_at", "edited_at"
        ))
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

    def page_links(self):
        return self.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)


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


# --- Cached pages ----------------------------------------------------------------------
#
# The rendered threads and page links of one page are cached per article under the keys
# of comments.page_cache, which owns their versions and invalidation. Readers with an
# unpublished reply of their own on the article get a fresh render, since only they may
# see it. Nothing in a section is per reader.


def render_section(article, page, own_ids, accepts_replies):
    """(page number, reply count, html, number of pages) of one page of the article's replies."""
    threads = ThreadPage(article, page, own_ids)
    html = render_to_string(
        "comments/section.html",
        {
            "article": article, "threads": threads, "replies": threads.replies,
            "page_url": page_cache.page_url(article.slug, threads.page.number),
            "accepts_replies": accepts_replies,
        },
    )
    return threads.page.number, threads.reply_count, html, threads.paginator.num_pages


def replies_section(article, own_ids, page):
    """The replies section for this reader: from the cache unless they have something unpublished here.

    Returns (page number, reply count, html); when `page` is past the last page the
    number is the last page's and the html None, for the caller to redirect. Only
    pages that exist are cached, so no query string can fill the cache.
    """
    accepts_replies = article.accepts_replies()
    own_unpublished = own_ids and Comment.objects.for_article(article).filter(
        pk__in=own_ids, status__in=[Status.PENDING, Status.SPAM]
    ).exists()
    cacheable = not own_unpublished and page <= page_cache.MAX_CACHED_PAGE
    if cacheable:
        page_count = cache.get(page_cache.page_count_key(article))
        if page_count is not None and page > page_count:
            return page_count, None, None
    key = page_cache.section_key(article, page, accepts_replies) if cacheable else None
    section = cache.get(key) if key else None
    if section is None:
        section = render_section(article, page, own_ids, accepts_replies)
        if cacheable:
            cache.set(page_cache.page_count_key(article), section[3], timeout=comment_settings.REPLIES_CACHE_SECONDS)
            if section[0] == page:
                cache.set(key, section, timeout=comment_settings.REPLIES_CACHE_SECONDS)
    number, reply_count, html = section[:3]
    if number != page:
        return number, reply_count, None
    return number, reply_count, mark_safe(html)


def reply_message_tag(comment):
    """The extra_tags of a message about one reply, which the page shows next to that reply."""
    return f"reply-{comment.pk}"


def place_reply_messages(request, html):
    """Put each message about a reply on this page (a report received) just above its text.

    Returns the replies' html and the messages left for the top of the page, such as
    one about a reply the report sent back to the queue.
    """
    left = []
    for message in messages.get_messages(request):
        reply = re.fullmatch(r"reply-([0-9]+)", message.extra_tags or "")
        start = html.find(f'<li id="comment-{reply[1]}" ') if reply else -1
        if start < 0:
            left.append(message)
            continue
        at = html.index('<div class="comment-content">', start)
        html = html[:at] + format_html('<p class="reply-message" role="status">{}</p>', message) + html[at:]
    return mark_safe(html), left
