"""The article pages' caches, with one owner: every key, version, fingerprint and invalidation.

Two caches live here. The rendered replies of one page (comments.threads) are
kept per article and page; whole pages for the readers who all see the same
thing are kept as shared bytes. Both live under the article's version, which
every change to the article or its published replies replaces (at once, and
again after the change commits, so a reader can never cache the old state
under the new version): `pages_changed` and `pages_changed_on_commit` are the
only way to invalidate, and the Article model's own changes reach them through
its save signals (connected at the end of this module), so articles need not
know about any of this.

Most views of an article come from readers with nothing of their own on it: no
reply awaiting moderation, no message to show, no reply form opened under a
reply, no session. They all get exactly the same bytes: the page carries no
CSRF token or other per-reader value (their forms are guarded by
newsroom.cross_origin, and the reply form's timing by comments.views.form_stamp).
So each page is kept already compressed (brotli, gzip and plain) and served by
Accept-Encoding, with headers that let any HTTP cache or CDN keep it too: a
strong ETag from the article's cache version, public Cache-Control and a
surrogate key naming the article. An entry is dropped when replies close by
age. A conditional GET reads the small "meta" entry and the version only,
never a page body.

SharedPageMiddleware answers from this cache near the top of the middleware
stack: a shared page involves no session, user, message or CSRF token, so the
middleware below it has nothing to do but add the same headers to every such
page, which it learns from the first shared page that went through them.
"""

import functools
import gzip
import hashlib
import re
import time
from datetime import timedelta

import brotli
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_etags

from articles.cdn import surrogate_key
from articles.models import Article
from articles.tasks import purge_cdn_on_commit
from newsroom.cross_origin import session_involved

from .conf import comment_settings
from .http import OWN_REPLIES_COOKIE

# Pages past this one are rendered for each reader, never cached: no query string can fill the cache.
MAX_CACHED_PAGE = 1000
SITE_VERSION_KEY = "pages-version:every-article"
SECTION_TEMPLATES = ("comments/section.html", "comments/thread.html", "comments/pages.html")

ENCODINGS = ("br", "gzip", "identity")
TEMPLATES = ("base.html", "articles/article_detail.html", "comments/form.html", *SECTION_TEMPLATES)


# --- Pages and their URLs --------------------------------------------------------------


def parse_page(value):
    """The page number in ?cpage=, 1 when absent; None for anything but a plain page number."""
    if value is None:
        return 1
    return int(value) if re.fullmatch(r"[1-9][0-9]{0,8}", value) else None


def with_page(url, page):
    """`url` with ?cpage= for this page of replies (the first has none)."""
    return f"{url}?cpage={page}" if page > 1 else url


def page_url(slug, page):
    """The URL of this page of the article's replies."""
    return with_page(reverse("article", args=[slug]), page)


# --- Versions and invalidation ---------------------------------------------------------


def slug_hash(slug):
    """Whatever a URL carries, a key built from it stays short enough for every cache backend."""
    return hashlib.blake2b(slug.encode(), digest_size=12).hexdigest()


def _version_key(slug):
    """Versions are kept by slug, so a cached page and its version come in one cache read."""
    return f"pages-version:{slug_hash(slug)}"


def pages_changed(article_ids=(), slugs=(), purge=True):
    """Invalidate every cached page of these articles (by id or slug); returns their slugs.

    HTTP caches in front of the site learn it from the new ETag when they revalidate,
    and at once from the CDN purge queued after the transaction commits, when a purge URL is set.
    """
    slugs = set(slugs)
    if article_ids:
        slugs |= set(Article.objects.filter(pk__in=set(article_ids)).values_list("slug", flat=True))
    if slugs:
        now = time.time_ns()
        # The site-wide reply feeds change with any article's replies.
        cache.set_many({**{_version_key(slug): now for slug in slugs}, SITE_VERSION_KEY: now}, timeout=None)
    if purge and slugs:
        purge_cdn_on_commit([surrogate_key(slug) for slug in slugs])
    return slugs


def pages_changed_on_commit(article_ids=(), slugs=()):
    """Invalidate now, so this transaction's own reads are fresh, and again after commit,
    so a reader who rendered the old state meanwhile cannot have cached it under the new version.
    Slugs are looked up now: after a deletion commits there is nothing left to look up."""
    slugs = pages_changed(article_ids, slugs, purge=False)
    transaction.on_commit(lambda: pages_changed(slugs=slugs))


@receiver(pre_save, sender=Article, dispatch_uid="comments.page_cache.article_saving")
def _article_saving(sender, instance, raw=False, **kwargs):
    # Its cached pages show the title, text and open state, under the old slug too.
    if not raw and not instance._state.adding:
        instance._slug_before_save = Article.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()


@receiver(post_save, sender=Article, dispatch_uid="comments.page_cache.article_saved")
def _article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        pages_changed_on_commit(slugs={instance.slug, getattr(instance, "_slug_before_save", None)} - {None})


@receiver(post_delete, sender=Article, dispatch_uid="comments.page_cache.article_deleted")
def _article_deleted(sender, instance, **kwargs):
    pages_changed_on_commit(slugs=[instance.slug])


def page_version(slug):
    """The current cache version of the article's pages."""
    return _version(_version_key(slug))


def site_version():
    """The current cache version of what shows every article's replies (the site-wide feeds)."""
    return _version(SITE_VERSION_KEY)


def _version(key):
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


# --- Keys ------------------------------------------------------------------------------


@functools.cache
def templates_fingerprint(*names):
    """Changes when a deploy changes the markup, so no page is served in the old one."""
    sources = "".join(get_template(name).template.source for name in names)
    return hashlib.blake2b(sources.encode(), digest_size=6).hexdigest()


def layout_key():
    return f"{comment_settings.PER_PAGE}:{int(comment_settings.NEWEST_FIRST)}"


def section_key(article, page, accepts_replies):
    """Key of the rendered replies of one page (comments.threads.replies_section)."""
    return (f"replies:{article.pk}:{page_version(article.slug)}:{page}:{layout_key()}:"
            f"{int(accepts_replies)}:{templates_fingerprint(*SECTION_TEMPLATES)}")


def page_count_key(article):
    """Key of the number of pages of the article's replies, so a page past the last costs no render."""
    return f"replies-pages:{article.pk}:{page_version(article.slug)}:{layout_key()}"


# --- Whole shared pages ----------------------------------------------------------------


def is_shared(request, page):
    """Whether this reader may be served the shared copy of this page of replies."""
    return not (
        request.method != "GET"
        or "replytocom" in request.GET
        or OWN_REPLIES_COOKIE in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES  # a message waits to be shown
        or session_involved(request)  # signed in: a page with their CSRF token
        or page > MAX_CACHED_PAGE
    )


def accepted_encoding(request):
    """The best encoding of ours the reader accepts: br, then gzip, else identity."""
    accepted = set()
    for item in request.META.get("HTTP_ACCEPT_ENCODING", "").lower().split(","):
        name, _, params = item.partition(";")
        if not re.search(r"q=0(\.0*)?\s*$", params.strip()):
            accepted.add(name.strip())
    return next((e for e in ("br", "gzip") if e in accepted), "identity")


def _base_key(slug, page):
    # "v3": the entry's shape; bump it when that changes, as templates_fingerprint does for the markup.
    return f"article-page:v3:{slug_hash(slug)}:{page}:{layout_key()}:{templates_fingerprint(*TEMPLATES)}"


def etag(slug, page, version, encoding):
    """Strong: one per article version, page, layout, template set and encoding."""
    fingerprint = f"{slug}:{version}:{page}:{layout_key()}:{templates_fingerprint(*TEMPLATES)}"
    return f'"{hashlib.blake2b(fingerprint.encode(), digest_size=12).hexdigest()}-{encoding}"'


def _headers(response, slug, tag, encoding):
    """The shared page's headers; `encoding` that of the body ("identity" for a 304, which has none)."""
    response["ETag"] = tag
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = (
        f"public, max-age={comment_settings.PAGE_MAX_AGE}, s-maxage={comment_settings.PAGE_S_MAXAGE}, "
        f"stale-while-revalidate={comment_settings.PAGE_STALE_WHILE_REVALIDATE}"
    )
    # Fastly and Varnish read Surrogate-Key, Cloudflare Cache-Tag: what purge_cdn names.
    response["Surrogate-Key"] = response["Cache-Tag"] = surrogate_key(slug)
    if encoding != "identity":
        response["Content-Encoding"] = encoding
    response.shared_page = True
    return response


def _matches(request, tag):
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)
    # If-None-Match compares weakly: W/"x" (as some proxies rewrite it) matches "x".
    return "*" in tags or tag in tags or f"W/{tag}" in tags


def _fresh(entry, version):
    return entry is not None and entry[0] == version and timezone.now() < entry[1]


def get(request, slug, page):
    """The shared page for this request from the cache (a 304 if the reader has it), or None."""
    encoding = accepted_encoding(request)
    base = _base_key(slug, page)
    conditional = "HTTP_IF_NONE_MATCH" in request.META
    key = f"{base}:meta" if conditional else f"{base}:{encoding}"
    found = cache.get_many([key, _version_key(slug)])
    version = found.get(_version_key(slug))
    entry = found.get(key)
    if not _fresh(entry, version):
        return None
    tag = etag(slug, page, version, encoding)
    if conditional:
        if _matches(request, tag):
            # As Django's @condition views do (RFC 9110 15.4.5: no body, the 200's validators and caching headers).
            return _headers(HttpResponseNotModified(), slug, tag, "identity")
        entry = cache.get(f"{base}:{encoding}")
        if not _fresh(entry, version):
            return None
    return _headers(HttpResponse(entry[2]), slug, tag, encoding)


def store(request, slug, page, article, version, content):
    """Keep a rendered page, compressed once, under the version read before rendering it;
    returns the response for this request."""
    days = comment_settings.CLOSE_AFTER_DAYS
    closes = article.published_at + timedelta(days=days) if days and article.comments_open else None
    valid_until = closes if closes and closes > timezone.now() else timezone.now() + timedelta(days=365)
    bodies = {
        "br": brotli.compress(content, quality=5, mode=brotli.MODE_TEXT),
        "gzip": gzip.compress(content, compresslevel=6, mtime=0),  # mtime 0: the same bytes every time
        "identity": content,
    }
    base = _base_key(slug, page)
    entries = {f"{base}:{encoding}": (version, valid_until, body) for encoding, body in bodies.items()}
    entries[f"{base}:meta"] = (version, valid_until, None)
    cache.set_many(entries, timeout=comment_settings.REPLIES_CACHE_SECONDS)
    encoding = accepted_encoding(request)
    return _headers(HttpResponse(bodies[encoding]), slug, etag(slug, page, version, encoding), encoding)


ARTICLE_PATH = re.compile(r"/articles/(?P<slug>[-a-zA-Z0-9_]+)/")  # <slug:slug> in articles/urls.py
# Set here, or by the middleware above this one (SecurityMiddleware), on every response.
OWN_HEADERS = {"content-type", "content-length", "content-encoding", "etag", "vary", "cache-control",
               "surrogate-key", "cache-tag"}


class SharedPageMiddleware:
    """Serve cached shared article pages before the rest of the middleware runs.

    Goes right after SecurityMiddleware and WhiteNoise. Until a shared page has been
    served through the whole stack in this process, it only watches; from then on it
    adds the headers the stack gave that page (CSP, X-Frame-Options) to cached ones.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.stack_headers = None

    def __call__(self, request):
        if self.stack_headers is not None and (response := self.cached(request)) is not None:
            for name, value in self.stack_headers:
                response.headers[name] = value
            if response.status_code == 200:
                response.headers["Content-Length"] = str(len(response.content))
            return response
        response = self.get_response(request)
        if self.stack_headers is None and getattr(response, "shared_page", False) and response.status_code == 200:
            self.stack_headers = [(k, v) for k, v in response.items() if k.lower() not in OWN_HEADERS]
        return response

    def cached(self, request):
        # The "article" route's own pattern (articles/urls.py), without resolving every URL.
        match = ARTICLE_PATH.fullmatch(request.path_info) if request.method == "GET" else None
        page = parse_page(request.GET.get("cpage")) if match else None
        if page is None or not is_shared(request, page):
            return None
        request.get_host()  # refuses a Host outside ALLOWED_HOSTS, as CommonMiddleware would
        return get(request, match["slug"], page)
