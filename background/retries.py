"""Retries for the task queue, which has none of its own.

When a task raises, the worker marks its row FAILED and sends ``task_finished``;
here the row goes back to READY with a ``run_after`` that doubles with each
attempt (BACKGROUND_RETRY_BASE_SECONDS, capped at BACKGROUND_RETRY_MAX_SECONDS,
with jitter so a burst of failures does not come back as a burst). After the
last attempt the row stays FAILED, listed in the admin with its error, where an
operator can run it again. Attempts are the row's claims (``worker_ids``), so a
run cut short by a dead worker counts too.

A worker killed with SIGKILL leaves its task RUNNING; ``recover_stalled`` puts
tasks running longer than BACKGROUND_TASK_TIMEOUT back in the queue (the worker
command does at start, ``run_periodic`` on every run). Tasks are idempotent, so
running one again has no visible effect twice.
"""

import logging
import random
from datetime import timedelta

from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from .conf import background_settings

logger = logging.getLogger(__name__)

_attempts = {}  # task module path -> what reads its number of attempts


def attempts(read):
    """Give a task its own number of attempts, read when it fails (so a setting's current value):
    ``@attempts(lambda: webhook_settings.ATTEMPTS)`` above ``@task``."""

    def register(task):
        _attempts[task.module_path] = read
        return task

    return register


def max_attempts(task_path):
    read = _attempts.get(task_path)
    return read() if read else background_settings.TASK_ATTEMPTS


def backoff(attempt):
    """Seconds before attempt `attempt` + 1: base × 2^(attempt-1), capped, with up to 25% taken off at random."""
    delay = min(background_settings.RETRY_MAX_SECONDS, background_settings.RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    return delay * (1 - random.random() / 4)  # noqa: S311 (jitter, not a secret)


@receiver(task_finished, dispatch_uid="background.retries.schedule_retry")
def schedule_retry(sender, task_result, **kwargs):
    if task_result.status != TaskResultStatus.FAILED or not hasattr(task_result, "db_result"):
        return  # succeeded, or a backend without a queue (immediate: tests run tasks inline)
    attempt = len(task_result.worker_ids)
    path = task_result.task.module_path
    if attempt >= max_attempts(path):
        logger.error("Task %s (%s) failed for good after %d attempts", task_result.id, path, attempt)
        return
    try:
        DBTaskResult.objects.filter(pk=task_result.id, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, finished_at=None,
            run_after=timezone.now() + timedelta(seconds=backoff(attempt)),
        )
    except Exception as exc:  # the worker must go on; the task stays failed, retryable from the admin
        logger.error("Could not schedule a retry of task %s: %s", task_result.id, type(exc).__name__)


def recover_stalled():
    """Requeue tasks left RUNNING by a worker that died; returns how many."""
    cutoff = timezone.now() - timedelta(seconds=background_settings.TASK_TIMEOUT)
    stalled = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    count = stalled.update(status=TaskResultStatus.READY, run_after=timezone.now())
    if count:
        logger.warning("Requeued %d task(s) left running by a stopped worker", count)
    return count


def run_again(queryset):
    """Put failed tasks back in the queue, now (the admin's "Retry" action); returns how many."""
    return queryset.filter(status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, finished_at=None, run_after=timezone.now()
    )
