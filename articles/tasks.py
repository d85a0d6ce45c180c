"""The articles app's background work: telling the CDN about changed pages."""

from django_tasks import task

from . import cdn


@task()
def purge_cdn(keys):
    """Ask the CDN to drop the pages tagged with these keys; a failure is retried by the queue."""
    cdn.send_purges(keys)
