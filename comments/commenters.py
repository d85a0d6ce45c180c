"""What moderators do to a commenter rather than to one reply: notes, timed suspension, ban, lift.

A commenter is their email digest (comments.privacy); pages and the API name
them by the opaque id of ``Commenter``. Every action here is a
``ModerationEvent`` with the digest in ``commenter`` and no reply, so the audit
trail shows who banned, suspended, lifted or noted whom, and when.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Comment, CommenterNote, Flag, ListEntry, ModerationEvent, Status

SUSPENSIONS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}
BANNED, SUSPENDED, LIFTED, NOTED = "banned", "suspended", "lifted", "noted"


def _event(commenter, by, kind, reason=""):
    return ModerationEvent.objects.create(commenter=commenter.digest, actor=by, to_status=kind, reason=reason[:500])


def is_banned(commenter):
    return ListEntry.objects.filter(
        kind=ListEntry.Kind.COMMENTER, action=ListEntry.Action.SPAM, value=commenter.digest
    ).exists()


def profile(commenter):
    """Everything the drawer shows, without the address: replies, counts, reports, notes, events."""
    replies = Comment.objects.filter(email_digest=commenter.digest)
    counts = dict.fromkeys(Status.values, 0)
    counts.update(replies.values_list("status").annotate(n=Count("pk")).order_by())
    seen = replies.aggregate(first=Min("created_at"), last=Max("created_at"))
    reports = Flag.objects.filter(comment__email_digest=commenter.digest)
    return {
        "replies": replies.select_related("article").order_by("-created_at")[:200],
        "counts": counts,
        "total": sum(counts.values()),
        "first_seen": seen["first"],
        "last_seen": seen["last"],
        "reports": reports.select_related("comment").order_by("-created_at")[:50],
        "report_count": reports.count(),
        "notes": CommenterNote.objects.filter(digest=commenter.digest).select_related("author"),
        "events": ModerationEvent.objects.filter(commenter=commenter.digest).select_related("actor")
        .order_by("-created_at", "-pk")[:50],
        "banned": is_banned(commenter),
        "published": counts[Status.APPROVED],
        "name": replies.order_by("-created_at").values_list("name", flat=True).first() or "",
    }


def add_note(commenter, *, by, text):
    text = " ".join(text.split())
    with transaction.atomic():
        note = CommenterNote.objects.create(digest=commenter.digest, author=by, text=text)
        _event(commenter, by, NOTED, text)
    return note


def suspend(commenter, *, by, until, reason=""):
    """No new replies from this commenter until `until` (refused, saying until when)."""
    with transaction.atomic():
        commenter.suspended_until, commenter.suspension_reason = until, reason[:300]
        commenter.save(update_fields=["suspended_until", "suspension_reason"])
        return _event(commenter, by, SUSPENDED, f"until {until.isoformat(timespec='minutes')}" + (
            f" — {reason}" if reason else ""))


def ban(commenter, *, by, remove_published=False, reason=""):
    """Ban for good (their new replies are marked spam silently); their pending replies, and on
    request their published ones, become spam. Returns (pending, published) counts changed."""
    with transaction.atomic():
        ListEntry.objects.get_or_create(
            kind=ListEntry.Kind.COMMENTER, action=ListEntry.Action.SPAM, value=commenter.digest,
            defaults={"created_by": by, "note": _("banned from the moderation workspace")},
        )
        replies = Comment.objects.filter(email_digest=commenter.digest)
        pending = replies.filter(status=Status.PENDING).mark_spam(by=by, reason="banned commenter")
        published = 0
        if remove_published:
            published = replies.filter(status=Status.APPROVED).mark_spam(
                by=by, reason="banned commenter: published reply removed"
            )
        _event(commenter, by, BANNED, reason or f"{pending} pending and {published} published replies removed")
    return pending, published


def lift(commenter, *, by):
    """End a suspension and a ban; returns whether there was one."""
    with transaction.atomic():
        banned, _count = ListEntry.objects.filter(
            kind=ListEntry.Kind.COMMENTER, action=ListEntry.Action.SPAM, value=commenter.digest
        ).delete()
        suspended = commenter.is_suspended
        if suspended:
            commenter.suspended_until, commenter.suspension_reason = None, ""
            commenter.save(update_fields=["suspended_until", "suspension_reason"])
        if banned or suspended:
            _event(commenter, by, LIFTED, "ban lifted" if banned else "suspension lifted")
    return bool(banned or suspended)
