"""The articles app's background work: telling the CDN about changed pages."""

from django_tasks import task

from background.queue import enqueue_on_commit

from . import cdn
from .conf import article_settings


@task()
def purge_cdn(keys):
    """Ask the CDN to drop the pages tagged with these keys; a failure is retried by the queue."""
    cdn.send_purges(keys)


def purge_cdn_on_commit(keys):
    """Queue the purge of these keys once the transaction commits (nothing without COMMENTS_CDN_PURGE_URL)."""
    if article_settings.CDN_PURGE_URL and keys:
        enqueue_on_commit(purge_cdn, sorted(keys))
