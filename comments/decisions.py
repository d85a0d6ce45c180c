"""A moderator's decision on one reply, its undo, the author's notice and their one appeal.

The workspace, the admin and the API all decide through ``decide()``: the row
is locked and its status checked against what the moderator saw, so two
moderators on the same queue never decide one reply twice without knowing
("already approved by ana 5 s ago"). A rejection always carries a
``reasons.Decision`` code, stored on its ``ModerationEvent``.

With ``COMMENTS_DECISION_NOTICES`` a rejected reply's author is emailed, through
the task queue, a statement of reasons: which reply, the reason in plain words,
that a person decided, and a signed link to appeal once. The notice waits out
the undo window where the queue can defer it, and is not sent for a rejection
undone by then (comments/notices.py writes it). Spam is never notified.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from . import tasks
from .conf import comment_settings
from .models import Appeal, Comment, ModerationEvent, Status
from .reasons import Decision

ACTIONS = {"approve": Status.APPROVED, "reject": Status.REJECTED, "spam": Status.SPAM}
PAST = {
    Status.APPROVED: gettext_lazy("approved"), Status.REJECTED: gettext_lazy("rejected"),
    Status.SPAM: gettext_lazy("marked as spam"), Status.PENDING: gettext_lazy("sent back to the queue"),
}


class DecisionError(Exception):
    """The decision was not made; the message says why (shown to the moderator)."""


class AlreadyDecided(DecisionError):
    def __init__(self, reply, event):
        self.reply, self.event = reply, event
        who = event.actor.get_username() if event and event.actor else _("the rules")
        seconds = (timezone.now() - event.created_at).total_seconds() if event else 0
        super().__init__(_("Already %(decision)s by %(who)s %(ago)s ago.") % {
            "decision": PAST.get(reply.status, reply.status), "who": who, "ago": format_duration(seconds),
        })


class NothingToUndo(DecisionError):
    pass


def format_duration(seconds):
    """'5 s', '12 min', '3 h 12 min', '2 d 4 h': how long, as a moderator glances at it."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return _("%(s)d s") % {"s": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours}


def rejection_reason(code, note=""):
    """The event's text: the code (language-independent, like the stored status) and the note."""
    return f"rejected: {code}" + (f" — {note}" if note else "")


def clean_reason(code, note=""):
    """Check a rejection's code and note; raises DecisionError naming the allowed codes."""
    if code not in Decision.values:
        raise DecisionError(_("Choose a reason: %(codes)s.") % {"codes": ", ".join(Decision.values)})
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise DecisionError(_("Keep the note under 300 characters."))
    return code, note


def decide(reply_id, action, *, by, code="", note="", expected=None):
    """Approve, reject (with a Decision code) or mark spam one reply; returns its new event.

    `expected` is the status the moderator saw; if someone else changed it since,
    AlreadyDecided is raised and nothing changes; already in that status without
    `expected` (the API), nothing changes and None is returned. Comment.DoesNotExist propagates.
    """
    status = ACTIONS[action]
    reason = ""
    if status == Status.REJECTED:
        code, note = clean_reason(code, note)
        reason = rejection_reason(code, note)
    else:
        code = ""
    with transaction.atomic():
        reply = Comment.objects.select_for_update().get(pk=reply_id)
        if expected and reply.status != expected:
            raise AlreadyDecided(reply, reply.events.select_related("actor").last())
        if reply.status == status:
            return None
        appeal = Appeal.objects.filter(comment=reply, decided_at=None).first()
        if appeal and status != Status.SPAM:
            reason = "; ".join(filter(None, [reason, "final decision on appeal"]))
        reply.moderate(status, by=by, reason=reason, code=code)
        event = reply.events.filter(actor=by).order_by("-created_at", "-pk").first()
        if appeal:
            Appeal.objects.filter(pk=appeal.pk).update(decided_at=event.created_at)
        if status != Status.SPAM and (status == Status.REJECTED or appeal):
            queue_notice(event)
    return event


def undo_window():
    return timedelta(seconds=comment_settings.UNDO_SECONDS)


def undoable(by):
    """This moderator's decisions still within the undo window and not undone, newest first."""
    return (
        ModerationEvent.objects.filter(
            actor=by, created_at__gte=timezone.now() - undo_window(), comment__isnull=False,
            undoes=None, undone_by=None, from_status__in=Status.values,
        )
        .exclude(to_status=Status.PENDING)
        .order_by("-created_at", "-pk")
    )


def undo(*, by, reply_id=None):
    """Put back this moderator's latest decision (on `reply_id`, if given) within
    COMMENTS_UNDO_SECONDS; the undo is an event of its own. Returns it."""
    decisions = undoable(by)
    if reply_id is not None:
        decisions = decisions.filter(comment_id=reply_id)
    decision = decisions.first()
    if decision is None:
        raise NothingToUndo(_("Nothing to undo: decisions can be undone for %(s)d seconds.")
                            % {"s": comment_settings.UNDO_SECONDS})
    with transaction.atomic():
        reply = Comment.objects.select_for_update().get(pk=decision.comment_id)
        if reply.status != decision.to_status:
            raise AlreadyDecided(reply, reply.events.select_related("actor").last())
        reply.moderate(decision.from_status, by=by, reason=f"undo of event #{decision.pk}")
        event = reply.events.filter(actor=by).order_by("-created_at", "-pk").first()
        ModerationEvent.objects.filter(pk=event.pk).update(undoes=decision)
        Appeal.objects.filter(comment=reply, decided_at=decision.created_at).update(decided_at=None)
    event.undoes = decision
    return event


def queue_notice(event):
    """Mail the author once the undo window has passed (where the queue can wait), after commit."""
    task = tasks.decision_notice
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + undo_window())

    def enqueue():
        task.enqueue(event.pk)

    transaction.on_commit(enqueue)


def notify_rejections(ids, *, by):
    """Queue the notices of this moderator's rejections of these replies just made."""
    events = ModerationEvent.objects.filter(
        comment_id__in=list(ids), actor=by, to_status=Status.REJECTED,
        created_at__gte=timezone.now() - timedelta(minutes=1), undone_by=None,
    ).order_by("comment_id", "-pk")
    Appeal.objects.filter(comment_id__in=list(ids), decided_at=None, comment__status=Status.REJECTED).update(
        decided_at=timezone.now()
    )
    seen = set()
    for event in events:
        if event.comment_id not in seen:
            seen.add(event.comment_id)
            queue_notice(event)


def reject_many(queryset, *, by, code, note=""):
    """Reject these replies with one reason (the admin's bulk action); returns how many changed."""
    code, note = clean_reason(code, note)
    ids = list(queryset.values_list("pk", flat=True))
    with transaction.atomic():
        changed = Comment.objects.filter(pk__in=ids).reject(
            by=by, reason=rejection_reason(code, note), code=code
        )
        notify_rejections(ids, by=by)
    return changed
