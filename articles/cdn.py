"""Telling HTTP caches in front of the site (Fastly, Cloudflare, nginx) about changes.

Shared article pages carry a surrogate key naming their article (the
``Surrogate-Key`` and ``Cache-Tag`` headers). When the article or its published
replies change, ``purge_cdn`` asks the CDN to drop every page with that key,
through COMMENTS_CDN_PURGE_URL, a URL template with ``{key}``. Without it,
caches pick the change up when they revalidate (``s-maxage``, README "Caching
and CDNs"). The requests go out from the task queue (articles.tasks.purge_cdn_on_commit)
after the change commits, with a short timeout and the queue's retries, so a
slow or failing CDN never holds up or fails the request that made the change.
"""

import logging
import urllib.request
from urllib.parse import quote

from .conf import article_settings

logger = logging.getLogger(__name__)


def surrogate_key(slug):
    return f"article-{slug}"


def send_purges(keys):
    """Request the purge of each key; raises PurgeFailed (for the queue to retry) if any failed."""
    template = article_settings.CDN_PURGE_URL
    if not template or not keys:
        return
    _send([_purge_request(template.format(key=quote(key, safe=""))) for key in keys])


class PurgeFailed(Exception):
    pass


def _purge_request(url):
    headers = {}
    if article_settings.CDN_PURGE_HEADER:  # e.g. "Fastly-Key: …" or "Authorization: Bearer …"
        name, _, value = article_settings.CDN_PURGE_HEADER.partition(":")
        headers[name.strip()] = value.strip()
    return urllib.request.Request(url, method=article_settings.CDN_PURGE_METHOD, headers=headers)


def _send(requests):
    failed = []
    for request in requests:
        try:
            with urllib.request.urlopen(request, timeout=article_settings.CDN_PURGE_TIMEOUT) as response:
                response.read()
        except Exception as error:  # noqa: BLE001 — any failure is logged and retried by the queue
            # The path only: a purge URL may carry a service id or token in its query.
            path = request.selector.split("?")[0]
            logger.warning("CDN purge failed for %s: %s", path, type(error).__name__)
            failed.append(path)
    if failed:
        raise PurgeFailed(", ".join(failed))
