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
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import get_template, render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, to_locale

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


def page_version(slug):
    """The current cache version of the article's pages."""
    return _version(version_key(slug))


def site_version():
    """The current cache version of what shows every article's replies (the site-wide feeds)."""
    return _version(SITE_VERSION_KEY)


def _version(key):
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


@functools.cache
def catalog_fingerprint(language):
    """Changes when a deploy changes this language's translations, as templates_fingerprint does for the markup."""
    digest = hashlib.blake2b(digest_size=6)
    for path in [*settings.LOCALE_PATHS, *(Path(app.path) / "locale" for app in apps.get_app_configs())]:
        catalog = Path(path) / to_locale(language) / "LC_MESSAGES" / "django.mo"
        if catalog.is_file():
            digest.update(catalog.read_bytes())
    return digest.hexdigest()


def layout_key():
    # The language too: pages cached in one language are never served once the site speaks another.
    language = get_language()
    return (f"{settings.COMMENTS_PER_PAGE}:{int(settings.COMMENTS_NEWEST_FIRST)}:"
            f"{language}:{catalog_fingerprint(language)}")


def _section_key(article, page, accepts_replies):
    fingerprint = templates_fingerprint("comments/section.html", "comments/thread.html", "comments/pages.html")
    return (f"replies:{article.pk}:{page_version(article.slug)}:{page}:{layout_key()}:"
            f"{int(accepts_replies)}:{fingerprint}")


def render_section(article, page, own_ids, accepts_replies):
    """(page number, reply count, html, number of pages) of one page of the article's replies."""
    threads = ThreadPage(article, page, own_ids)
    page_url = article.get_absolute_url()
    if threads.page.number > 1:
        page_url += f"?cpage={threads.page.number}"
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


def _page_count_key(article):
    return f"replies-pages:{article.pk}:{page_version(article.slug)}:{layout_key()}"


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
    cacheable = not own_unpublished and page <= MAX_CACHED_PAGE
    if cacheable:
        page_count = cache.get(_page_count_key(article))
        if page_count is not None and page > page_count:
            return page_count, None, None
    key = _section_key(article, page, accepts_replies) if cacheable else None
    section = cache.get(key) if key else None
    if section is None:
        section = render_section(article, page, own_ids, accepts_replies)
        if cacheable:
            cache.set(_page_count_key(article), section[3], timeout=settings.COMMENTS_REPLIES_CACHE_SECONDS)
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
