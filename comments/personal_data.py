"""What the site keeps about a commenter, and how it lets go of it.

* Retention: the IP address and user agent serve flood and abuse checks for a
  few weeks. ``purge`` clears them from replies older than
  COMMENTS_PERSONAL_DATA_DAYS, and deletes replies whose author never confirmed
  their address while the link was valid (nobody can ever see those).
* Erasure: ``erase`` deletes every reply of one commenter. A reply that someone
  else answered (directly or further down its thread) is not deleted — its
  answers would lose their place — but kept as a placeholder: its text replaced
  by a notice, its name "Anonymous", every personal field cleared. With
  ``anonymise=True`` every reply keeps its text and loses only what identifies
  its author. Either way the commenter's verified-address record goes too; a ban
  stays, since it holds only the keyed digest.
* Access: ``export`` lists everything stored with a commenter's replies.

The management commands and the admin actions call these functions; each
erasure writes one ModerationEvent per reply.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .conf import comment_settings
from .models import Comment, CommentRevision, ModerationEvent, VerifiedEmail
from .sanitize import render_reply
from .page_cache import pages_changed_on_commit

# Stored in the site's language when a commenter is erased.
ANONYMOUS = _("Anonymous")
REMOVED = _("This reply was removed at its author's request.")
DELETED = "deleted"  # ModerationEvent.to_status of an erased reply


def purge(*, days=None, now=None):
    """Clear IP address and user agent of old replies; delete never-confirmed ones.

    Returns (replies cleared, replies deleted); a second run the same day finds nothing to do.
    """
    days = comment_settings.PERSONAL_DATA_DAYS if days is None else days
    now = now or timezone.now()
    cleared = (
        Comment.objects.filter(created_at__lt=now - timedelta(days=days))
        .exclude(ip_address=None, user_agent="")
        .update(ip_address=None, user_agent="")
    )
    expired = Comment.objects.pending().awaiting_confirmation().filter(
        created_at__lt=now - timedelta(seconds=comment_settings.CONFIRM_MAX_AGE)
    )
    _, per_model = expired.delete()
    return cleared, per_model.get(Comment._meta.label, 0)


def _answered(mine):
    """The replies among `mine` (ids) under which a reply by someone else sits, at any depth."""
    answered = set()
    others_below = Comment.objects.filter(parent_id__in=mine).exclude(pk__in=mine)
    for path in others_below.values_list("thread_path", flat=True):
        answered.update(int(pk) for pk in path.split("/")[:-1] if int(pk) in mine)
    return answered


def erasure_plan(mine, *, anonymise=False):
    """Which of a commenter's replies (ids) erasure keeps as placeholders, and which it deletes."""
    kept = set(mine) if anonymise else _answered(mine)
    return kept, set(mine) - kept


def erase(digest, *, anonymise=False, by=None):
    """Delete, or with `anonymise` strip, every reply of the commenter with this email digest.

    Returns (deleted, kept anonymous).
    """
    if not digest:
        return 0, 0
    with transaction.atomic():
        mine = dict(Comment.objects.filter(email_digest=digest).select_for_update().values_list("pk", "status"))
        result = _erase(mine, anonymise=anonymise, by=by, why="at its author's request")
        VerifiedEmail.objects.filter(digest=digest).delete()
    return result


def delete_reply(reply, *, by=None):
    """An author's deletion of one reply, as erasure does it: gone, or a placeholder where others answered.

    Returns (deleted, kept anonymous).
    """
    with transaction.atomic():
        mine = dict(Comment.objects.filter(pk=reply.pk).select_for_update().values_list("pk", "status"))
        return _erase(mine, anonymise=False, by=by, why="by its author")


def _erase(mine, *, anonymise, by, why):
    """Erase the replies `mine` ({id: status}); one ModerationEvent each. Call inside a transaction."""
    now = timezone.now()
    anonymous = {
        "name": str(ANONYMOUS), "email": "", "email_digest": "", "website": "", "ip_address": None,
        "user_agent": "", "notify": False, "user": None,
    }
    kept, doomed = erasure_plan(mine, anonymise=anonymise)
    if anonymise:
        Comment.objects.filter(pk__in=kept).update(**anonymous)
        kept_why = f"anonymised {why}"
    else:
        Comment.objects.filter(pk__in=kept).update(**anonymous, body=str(REMOVED), body_html=render_reply(str(REMOVED)))
        # The earlier versions of a removed text go with it.
        CommentRevision.objects.filter(comment_id__in=kept).delete()
        kept_why = f"text removed {why}; kept because others replied to it"
    ModerationEvent.objects.bulk_create(
        [
            ModerationEvent(comment_id=pk, actor=by, from_status=mine[pk], to_status=mine[pk],
                            reason=kept_why, created_at=now)
            for pk in sorted(kept)
        ] + [
            ModerationEvent(comment_id=None, actor=by, from_status=mine[pk], to_status=DELETED,
                            reason=f"reply #{pk} deleted {why}", created_at=now)
            for pk in sorted(doomed)
        ]
    )
    articles = set(Comment.objects.filter(pk__in=mine).values_list("article_id", flat=True))
    Comment.objects.filter(pk__in=doomed).delete()
    pages_changed_on_commit(articles)
    return len(doomed), len(kept)


def export(digest):
    """Everything stored with this commenter's replies, oldest first, as JSON-ready dicts.

    The address itself is left to the caller: the command prints it to the
    operator, the admin download never carries it.
    """
    replies = (
        Comment.objects.filter(email_digest=digest).select_related("article").prefetch_related("revisions")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": reply.pk,
            "article": reply.article.title,
            "url": comment_settings.SITE_URL + reply.get_absolute_url(),
            "in_reply_to": reply.parent_id,
            "created": reply.created_at.isoformat(),
            "status": reply.status,
            "name": reply.name,
            "website": reply.website,
            "body": reply.body,
            "notify": reply.notify,
            "ip_address": reply.ip_address,
            "user_agent": reply.user_agent,
            "edited": reply.edited_at.isoformat() if reply.edited_at else None,
            "earlier_versions": [
                {"until": revision.created_at.isoformat(), "body": revision.body} for revision in reply.revisions.all()
            ],
        }
        for reply in replies
    ]
