import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args):
    """Queue `task` with these (plain, id-only) arguments once the current transaction commits.

    A request that stored something never fails because the queue could not take
    the task: the failure is logged (by class: the message may quote data).
    """

    def enqueue():
        try:
            task.enqueue(*args)
        except Exception as exc:
            logger.error("Could not queue %s: %s", task.name, type(exc).__name__)

    transaction.on_commit(enqueue)
