"""Whole article pages for the readers who all see the same thing, as shared bytes.

Most views of an article come from readers with nothing of their own on it: no
reply awaiting moderation, no message to show, no reply form opened under a
reply, no session. They all get exactly the same bytes: the page carries no
CSRF token or other per-reader value (their forms are guarded by
newsroom.cross_origin, and the reply form's timing by comments.views.form_stamp).
So each page is kept already compressed (brotli, gzip and plain) and served by
Accept-Encoding, with headers that let any HTTP cache or CDN keep it too: a
strong ETag from the article's cache version, public Cache-Control and a
surrogate key naming the article.

An entry lives under the article's version (comments.threads.page_version),
which every change to the article or its published replies replaces, so the
ETag changes at once with it; it is dropped when replies close by age. A
conditional GET reads the small "meta" entry and the version only, never a
page body.

SharedPageMiddleware answers from this cache near the top of the middleware
stack: a shared page involves no session, user, message or CSRF token, so the
middleware below it has nothing to do but add the same headers to every such
page, which it learns from the first shared page that went through them.
"""

import gzip
import hashlib
import re
from datetime import timedelta

import brotli
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import parse_etags

from comments.http import OWN_REPLIES_COOKIE, session_involved
from comments.sorting import default_sort, parse_sort
from comments.threads import (
    MAX_CACHED_PAGE,
    fresh_version,
    layout_key,
    parse_page,
    recommended_key,
    templates_fingerprint,
    version_key,
)

from .cdn import surrogate_key

ENCODINGS = ("br", "gzip", "identity")
TEMPLATES = (
    "base.html", "articles/article_detail.html", "comments/form.html",
    "comments/section.html", "comments/thread.html", "comments/pages.html",
)


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


def _base_key(slug, page, sort=None):
    sort = sort or default_sort()
    # "v3": the entry's shape; bump it when that changes, as templates_fingerprint does for the markup.
    # The slug is hashed: whatever a URL carries, the key stays short enough for every cache backend.
    slug_hash = hashlib.blake2b(slug.encode(), digest_size=12).hexdigest()
    return f"article-page:v3:{slug_hash}:{page}:{sort}:{layout_key()}:{templates_fingerprint(*TEMPLATES)}"


def etag(slug, page, sort, version, encoding):
    """Strong: one per article version, page, order, layout, template set and encoding."""
    fingerprint = f"{slug}:{version}:{page}:{sort}:{layout_key()}:{templates_fingerprint(*TEMPLATES)}"
    return f'"{hashlib.blake2b(fingerprint.encode(), digest_size=12).hexdigest()}-{encoding}"'


def _headers(response, slug, tag, encoding):
    """The shared page's headers; `encoding` that of the body ("identity" for a 304, which has none)."""
    response["ETag"] = tag
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = (
        f"public, max-age={settings.COMMENTS_PAGE_MAX_AGE}, s-maxage={settings.COMMENTS_PAGE_S_MAXAGE}, "
        f"stale-while-revalidate={settings.COMMENTS_PAGE_STALE_WHILE_REVALIDATE}"
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


def get(request, slug, page, sort):
    """The shared page for this request from the cache (a 304 if the reader has it), or None."""
    encoding = accepted_encoding(request)
    base = _base_key(slug, page, sort)
    conditional = "HTTP_IF_NONE_MATCH" in request.META
    key = f"{base}:meta" if conditional else f"{base}:{encoding}"
    found = cache.get_many([key, version_key(slug), recommended_key(slug)])
    version = fresh_version(slug, found.get(version_key(slug)), found.get(recommended_key(slug)))
    entry = found.get(key)
    if not _fresh(entry, version):
        return None
    tag = etag(slug, page, sort, version, encoding)
    if conditional:
        if _matches(request, tag):
            # As Django's @condition views do (RFC 9110 15.4.5: no body, the 200's validators and caching headers).
            return _headers(HttpResponseNotModified(), slug, tag, "identity")
        entry = cache.get(f"{base}:{encoding}")
        if not _fresh(entry, version):
            return None
    return _headers(HttpResponse(entry[2]), slug, tag, encoding)


def store(request, slug, page, sort, article, version, content):
    """Keep a rendered page, compressed once, under the version read before rendering it;
    returns the response for this request."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    closes = article.published_at + timedelta(days=days) if days and article.comments_open else None
    valid_until = closes if closes and closes > timezone.now() else timezone.now() + timedelta(days=365)
    bodies = {
        "br": brotli.compress(content, quality=5, mode=brotli.MODE_TEXT),
        "gzip": gzip.compress(content, compresslevel=6, mtime=0),  # mtime 0: the same bytes every time
        "identity": content,
    }
    base = _base_key(slug, page, sort)
    entries = {f"{base}:{encoding}": (version, valid_until, body) for encoding, body in bodies.items()}
    entries[f"{base}:meta"] = (version, valid_until, None)
    cache.set_many(entries, timeout=settings.COMMENTS_REPLIES_CACHE_SECONDS)
    encoding = accepted_encoding(request)
    return _headers(HttpResponse(bodies[encoding]), slug, etag(slug, page, sort, version, encoding), encoding)


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
        sort = parse_sort(request.GET.get("sort")) if match else None
        if page is None or sort is None or not is_shared(request, page):
            return None
        request.get_host()  # refuses a Host outside ALLOWED_HOSTS, as CommonMiddleware would
        return get(request, match["slug"], page, sort)
