"""What happens to replies, announced once it is committed, for other apps to act on.

The comments app does not know who listens: the webhooks app connects to these
signals in its AppConfig.ready(), as comments.tasks does for the emails. Each
sends plain ids, like a task argument. The models send them, so the modules
above the models (tasks, triage) learn of changes without the models importing them.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

reply_event = Signal()  # event="reply.created"|"reply.held"|…, ids=[reply ids]
commenter_banned = Signal()  # entry_id=the ListEntry holding the ban
# Sent at once, inside a moderator's decision, before its events are written (comments.triage
# listens): a receiver may return {reply id: note} to add to those events' reasons.
deciding = Signal()  # status=the new status, ids=[reply ids]

STATUS_EVENTS = {  # by Status value
    "pending": "reply.held",
    "approved": "reply.approved",
    "rejected": "reply.rejected",
    "spam": "reply.spam",
}


def _send_on_commit(signal, **kwargs):
    def send():
        for receiver, result in signal.send_robust(sender=None, **kwargs):
            if isinstance(result, Exception):  # a listener's failure must not fail the request
                logger.error("%s failed on %s: %s", receiver.__qualname__, kwargs, type(result).__name__)

    transaction.on_commit(send)


def announce(event, ids):
    _send_on_commit(reply_event, event=event, ids=list(ids))


def stored(comment):
    """A new reply: reply.created, then what the pipeline decided (a reply awaiting confirmation is not held yet)."""
    announce("reply.created", [comment.pk])
    if not comment.awaiting_confirmation:
        announce(STATUS_EVENTS[comment.status], [comment.pk])


def moderated(status, ids):
    announce(STATUS_EVENTS[status], ids)


def banned(entry_id):
    _send_on_commit(commenter_banned, entry_id=entry_id)
