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

import functools
import hashlib
import re
import time
from itertools import pairwise
from math import ceil

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import get_template, render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import Comment, Status
from .sorting import Sort, default_sort, picks_page, query, ranked_page_number, recommended_page, sort_links


class ThreadPage:
    """One page of an article's threads, with the reply count for the heading.

    Four queries in all (counts, edges, replies), whatever the number of replies.
    """

    def __init__(self, article, number=None, own_ids=(), sort=None):
        comments = Comment.objects.for_article(article)
        self.sort = sort or default_sort()
        counts = comments.public().aggregate(
            replies=Count("pk"), threads=Count("pk", filter=Q(parent=None)),
            picks=Count("pk", filter=Q(picked_at__isnull=False)),
        )
        self.reply_count = counts["replies"]
        self.newest_first = self.sort == Sort.NEWEST
        per_page = settings.COMMENTS_PER_PAGE
        self.paginator = Paginator(range(counts["picks" if self.sort == Sort.PICKS else "threads"]), per_page)
        self.page = self.paginator.get_page(number)

        shown = comments.public_or_own(own_ids)
        first = (self.page.number - 1) * per_page
        if self.sort == Sort.PICKS:
            self.replies = picks_page(comments, first, per_page)
            return
        if self.sort == Sort.RECOMMENDED:
            self.replies = nest(recommended_page(comments, shown, first, per_page))
            return
        lower, upper = self._edges(top_level(comments))
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
        """(number, query string) of the page links; the query is None for an ellipsis."""
        return [
            (number, None if number == self.paginator.ELLIPSIS else query(self.sort, number))
            for number in self.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
        ]

    def previous_query(self):
        return query(self.sort, self.page.previous_page_number())

    def next_query(self):
        return query(self.sort, self.page.next_page_number())

    def sort_links(self):
        return sort_links(self.sort)

    @property
    def sort_query(self):
        return query(self.sort)


def top_level(comments):
    return comments.approved().filter(parent=None)


def page_number(comment, sort=None):
    """The page of its article's replies that shows `comment` (None: that order does not show it)."""
    per_page = settings.COMMENTS_PER_PAGE
    sort = sort or default_sort()
    if sort not in Sort.THREADED:
        return ranked_page_number(comment, sort, per_page)
    roots = top_level(Comment.objects.for_article(comment.article_id))
    if sort == Sort.NEWEST:
        counts = roots.aggregate(
            threads=Count("pk"), newer=Count("pk", filter=Q(thread_path__gt=comment.thread_path))
        )
        return min(counts["newer"] // per_page + 1, max(1, ceil(counts["threads"] / per_page)))
    up_to_here = roots.filter(thread_path__lte=comment.thread_path).count()
    return max(1, ceil(up_to_here / per_page))


def permalink(comment, sort=None):
    """The reply on its page in this order, or in the default order when this one does not show it."""
    sort = sort or default_sort()
    page = page_number(comment, sort)
    if page is None:
        sort = default_sort()
        page = page_number(comment, sort)
    return f"{comment.article.get_absolute_url()}{query(sort, page)}#comment-{comment.pk}"


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
# The rendered threads and page links of one page are cached per article, under a
# version that every change to the article or its published replies replaces (at
# once, and again after the change commits, so a reader can never cache the old
# state under the new version). articles.page_cache keeps whole pages under the
# same version. Readers with an unpublished reply of their own on the article get
# a fresh render, since only they may see it. Nothing in a section is per reader.

MAX_CACHED_PAGE = 1000


SITE_VERSION_KEY = "pages-version:every-article"


def version_key(slug):
    """Versions are kept by slug, so a cached page and its version come in one cache read."""
    return f"pages-version:{hashlib.blake2b(slug.encode(), digest_size=12).hexdigest()}"


def pages_changed(article_ids=(), slugs=(), purge=True):
    """Invalidate every cached page of these articles (by id or slug); returns their slugs.

    HTTP caches in front of the site learn it from the new ETag when they revalidate,
    and at once from the CDN purge queued after the transaction commits, when a purge URL is set.
    """
    from articles.cdn import purge_cdn_on_commit, surrogate_key
    from articles.models import Article

    slugs = set(slugs)
    if article_ids:
        slugs |= set(Article.objects.filter(pk__in=set(article_ids)).values_list("slug", flat=True))
    if slugs:
        now = time.time_ns()
        # The site-wide reply feeds change with any article's replies.
        cache.set_many({**{version_key(slug): now for slug in slugs}, SITE_VERSION_KEY: now}, timeout=None)
    if purge and slugs:
        purge_cdn_on_commit([surrogate_key(slug) for slug in slugs])
    return slugs


def pages_changed_on_commit(article_ids=(), slugs=()):
    """Invalidate now, so this transaction's own reads are fresh, and again after commit,
    so a reader who rendered the old state meanwhile cannot have cached it under the new version.
    Slugs are looked up now: after a deletion commits there is nothing left to look up."""
    slugs = pages_changed(article_ids, slugs, purge=False)
    transaction.on_commit(lambda: pages_changed(slugs=slugs))


@functools.cache
def templates_fingerprint(*names):
    """Changes when a deploy changes the markup, so no page is served in the old one."""
    sources = "".join(get_template(name).template.source for name in names)
    return hashlib.blake2b(sources.encode(), digest_size=6).hexdigest()


def recommended_key(slug):
    return f"recommended-at:{version_key(slug)[len('pages-version:'):]}"


def recommendations_changed(slug):
    """Readers recommended a reply: the version is replaced by a later read (fresh_version)."""
    cache.set(recommended_key(slug), time.time_ns(), timeout=None)


def fresh_version(slug, version, recommended_at):
    """`version`, or a new one when recommendations came since and it is old enough.

    Debounced replacement (comments.recommend): at most one new version per
    COMMENTS_RECOMMEND_REFRESH_SECONDS for recommendations, claimed by one reader.
    """
    if recommended_at is None or version is None or recommended_at <= version:
        return version
    now = time.time_ns()
    if now - version < settings.COMMENTS_RECOMMEND_REFRESH_SECONDS * 1_000_000_000:
        return version
    if cache.add(f"recount:{recommended_key(slug)}:{version}", 1, timeout=60):
        cache.set(version_key(slug), now, timeout=None)
        return now
    return cache.get(version_key(slug), version)


def page_version(slug):
    """The current cache version of the article's pages."""
    key = version_key(slug)
    found = cache.get_many([key, recommended_key(slug)])
    if key not in found:
        return _version(key)
    return fresh_version(slug, found[key], found.get(recommended_key(slug)))


def site_version():
    """The current cache version of what shows every article's replies (the site-wide feeds)."""
    return _version(SITE_VERSION_KEY)


def _version(key):
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


def layout_key():
    return f"{settings.COMMENTS_PER_PAGE}:{int(settings.COMMENTS_NEWEST_FIRST)}"


def _section_key(article, page, accepts_replies, sort):
    fingerprint = templates_fingerprint("comments/section.html", "comments/thread.html", "comments/pages.html")
    return (f"replies:{article.pk}:{page_version(article.slug)}:{page}:{sort}:{layout_key()}:"
            f"{int(accepts_replies)}:{fingerprint}")


def render_section(article, page, own_ids, accepts_replies, sort=None):
    """(page number, reply count, html, number of pages) of one page of the article's replies."""
    threads = ThreadPage(article, page, own_ids, sort)
    page_url = article.get_absolute_url() + query(threads.sort, threads.page.number)
    html = render_to_string(
        "comments/section.html",
        {
            "article": article, "threads": threads, "replies": threads.replies, "page_url": page_url,
            "accepts_replies": accepts_replies,
        },
    )
    return threads.page.number, threads.reply_count, html, threads.paginator.num_pages


def parse_page(value):
    """The page number in ?cpage=, 1 when absent; None for anything but a plain page number."""
    if value is None:
        return 1
    return int(value) if re.fullmatch(r"[1-9][0-9]{0,8}", value) else None


def _page_count_key(article, sort):
    return f"replies-pages:{article.pk}:{page_version(article.slug)}:{sort}:{layout_key()}"


def replies_section(article, own_ids, page, sort=None):
    """The replies section for this reader: from the cache unless they have something unpublished here.

    Returns (page number, reply count, html); when `page` is past the last page the
    number is the last page's and the html None, for the caller to redirect. Only
    pages that exist are cached, so no query string can fill the cache.
    """
    accepts_replies = article.accepts_replies()
    own_unpublished = own_ids and Comment.objects.for_article(article).filter(
        pk__in=own_ids, status__in=[Status.PENDING, Status.SPAM]
    ).exists()
    sort = sort or default_sort()
    cacheable = not own_unpublished and page <= MAX_CACHED_PAGE
    if cacheable:
        page_count = cache.get(_page_count_key(article, sort))
        if page_count is not None and page > page_count:
            return page_count, None, None
    key = _section_key(article, page, accepts_replies, sort) if cacheable else None
    section = cache.get(key) if key else None
    if section is None:
        section = render_section(article, page, own_ids, accepts_replies, sort)
        if cacheable:
            cache.set(_page_count_key(article, sort), section[3], timeout=settings.COMMENTS_REPLIES_CACHE_SECONDS)
            if section[0] == page:
                cache.set(key, section, timeout=settings.COMMENTS_REPLIES_CACHE_SECONDS)
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
