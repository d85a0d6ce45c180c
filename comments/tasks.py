"""The comments app's background work: every email, the retention purge, the nightly retraining.

Each task takes ids, reloads what it needs, and may run twice (a retry, a worker
that died mid-task): emails go through background.mail.send_once.
"""

from django.dispatch import receiver
from django_tasks import task

from background.queue import enqueue_on_commit

from . import events, notifications, personal_data, triage
from .models import Comment


@task()
def reply_stored(comment_id):
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is not None:  # erased before the worker got to it: nothing to tell anyone
        notifications.reply_stored(comment)


@task()
def replies_approved(ids):
    return notifications.replies_approved(ids)


@receiver(events.reply_event, dispatch_uid="comments.tasks.replies_approved")
def on_reply_event(event, ids, **kwargs):
    """Approved replies (sent after the decision commits): their followers and parents' authors are mailed."""
    if event == events.STATUS_EVENTS["approved"]:
        enqueue_on_commit(replies_approved, ids)


@task(takes_context=True)
def send_moderation_digest(context):
    # The task's own id names its claim, so a second run finishes the same email.
    return notifications.notify_moderators(key=context.task_result.id)


@task()
def purge_personal_data():
    cleared, deleted = personal_data.purge()
    return {"cleared": cleared, "deleted": deleted}


@task()
def retrain_triage_nightly():
    """Queue a retraining on every decision so far, once cold start is over."""
    result = triage.nightly()
    return result is not None
