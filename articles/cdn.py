"""Telling HTTP caches in front of the site (Fastly, Cloudflare, nginx) about changes.

Shared article pages carry a surrogate key naming their article (the
``Surrogate-Key`` and ``Cache-Tag`` headers). When the article or its published
replies change, ``purge_cdn`` asks the CDN to drop every page with that key,
through COMMENTS_CDN_PURGE_URL, a URL template with ``{key}``. Without it,
caches pick the change up when they revalidate (``s-maxage``, README "Caching
and CDNs"). The call runs on a short-lived thread with a short timeout, so a
slow or failing CDN never holds up or fails the request that made the change;
once the project has a task queue, ``purge_cdn`` is the one call to move onto it.
"""

import logging
import threading
import urllib.request
from urllib.parse import quote

from django.conf import settings

logger = logging.getLogger(__name__)


def surrogate_key(slug):
    return f"article-{slug}"


def purge_cdn(keys):
    """Ask the CDN to drop the pages tagged with these keys (no-op without COMMENTS_CDN_PURGE_URL)."""
    template = settings.COMMENTS_CDN_PURGE_URL
    if not template or not keys:
        return None
    requests = [_purge_request(template.format(key=quote(key, safe=""))) for key in keys]
    thread = threading.Thread(target=_send, args=(requests,), name="cdn-purge", daemon=True)
    thread.start()
    return thread


def _purge_request(url):
    headers = {}
    if settings.COMMENTS_CDN_PURGE_HEADER:  # e.g. "Fastly-Key: …" or "Authorization: Bearer …"
        name, _, value = settings.COMMENTS_CDN_PURGE_HEADER.partition(":")
        headers[name.strip()] = value.strip()
    return urllib.request.Request(url, method=settings.COMMENTS_CDN_PURGE_METHOD, headers=headers)


def _send(requests):
    for request in requests:
        try:
            with urllib.request.urlopen(request, timeout=settings.COMMENTS_CDN_PURGE_TIMEOUT) as response:
                response.read()
        except Exception as error:  # noqa: BLE001 — a CDN outage must never reach the reader
            # The path only: a purge URL may carry a service id or token in its query.
            logger.warning("CDN purge failed for %s: %s", request.selector.split("?")[0], type(error).__name__)
