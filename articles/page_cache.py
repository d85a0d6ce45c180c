"""Whole article pages for the readers who all see the same thing.

Most views of an article come from readers with nothing of their own on it: no
reply awaiting moderation, no message to show, no reply form opened under a
reply. They all get the same HTML but for two values per reader, the CSRF token
and the reply form's signed timestamp, so the page is cached whole with
placeholders for those two and served without touching the database beyond
the shared cache: the page and its article's version come in one cache read.
It lives under that version (comments.threads.page_version), which every change
to the article or its published replies replaces, and is dropped when replies
close by age.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from comments.http import OWN_REPLIES_COOKIE
from comments.moderation import form_token
from comments.threads import CSRF_PLACEHOLDER, MAX_CACHED_PAGE, layout_key, templates_fingerprint, version_key

from .models import Article

FORM_TOKEN_PLACEHOLDER = "__form_token_for_this_reader__"
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
        or page > MAX_CACHED_PAGE
    )


def _key(slug, page):
    # "v2": the entry's shape; bump it when that changes, as templates_fingerprint does for the markup.
    # The slug is hashed: whatever a URL carries, the key stays short enough for every cache backend.
    slug_hash = hashlib.blake2b(slug.encode(), digest_size=12).hexdigest()
    return f"article-page:v2:{slug_hash}:{page}:{layout_key()}:{templates_fingerprint(*TEMPLATES)}"


def personalise(request, article_id, content):
    """The response for this reader from a page rendered with placeholders (UTF-8 bytes:
    replacing in bytes, and unpickling them, costs a fraction of doing it in str)."""
    content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    content = content.replace(FORM_TOKEN_PLACEHOLDER.encode(), form_token(Article(pk=article_id)).encode())
    return HttpResponse(content)


def get(request, slug, page):
    found = cache.get_many([_key(slug, page), version_key(slug)])
    entry = found.get(_key(slug, page))
    if entry is None or timezone.now() >= entry["valid_until"]:
        return None
    if entry["version"] != found.get(version_key(slug)):
        return None
    return personalise(request, entry["article_id"], entry["content"])


def store(slug, page, article, version, content):
    """Keep a page rendered with placeholders, under the version read before rendering it."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    closes = article.published_at + timedelta(days=days) if days and article.comments_open else None
    valid_until = closes if closes and closes > timezone.now() else timezone.now() + timedelta(days=365)
    entry = {"article_id": article.pk, "version": version, "valid_until": valid_until, "content": content}
    cache.set(_key(slug, page), entry, timeout=settings.COMMENTS_REPLIES_CACHE_SECONDS)
