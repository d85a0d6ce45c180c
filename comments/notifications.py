"""Emails about replies: moderators' alerts, follow-ups, address confirmation.

Everything here runs after the reply's transaction has committed
(``transaction.on_commit`` in ``Comment.objects.submit`` and
``CommentQuerySet.moderate``) and never raises into the request that stored the
reply: a failing mail server is logged — by exception class only, because SMTP
errors quote the recipients' addresses — and the reader gets their usual answer.

Moderators' alerts are batched. A held reply sends one email at once and opens a
window of COMMENTS_NOTIFY_BATCH_SECONDS (a key in the shared cache). Replies held
while the window is open send nothing. The first send after it closes — the next
held reply, or ``manage.py send_moderation_digest`` run by cron — carries every
held reply that no email has mentioned yet (``Comment.moderators_notified_at``
is empty), so a spam wave costs one alert and one digest, and the column, not
the cache, decides what is listed: no reply is missed or listed twice. If the
mail server fails, the replies are unmarked and go out with the next send.

Follow-ups go to the author of the parent reply, only if they ticked "Notify me"
and only the first time a reply to them is published. Their address is the
recipient and nothing else; the one-click unsubscribe link (RFC 8058) carries a
signed digest, never the address.

With COMMENTS_CONFIRM_EMAIL a new commenter's held reply stays out of the queue
until they follow a signed link that expires after COMMENTS_CONFIRM_MAX_AGE.
"""

import html
import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Comment, ModerationEvent, Status, VerifiedEmail

logger = logging.getLogger(__name__)

WINDOW_KEY = "comments:moderators-notified"
DIGEST_LISTS = 25  # replies listed in one email; the rest are counted
CONFIRMATION_RESEND_SECONDS = 3600  # one confirmation email per address per hour, whatever a bot posts

_unsubscribe_signer = signing.Signer(salt="comments.unsubscribe")
_confirm_signer = signing.TimestampSigner(salt="comments.confirm")


def absolute(path):
    return settings.COMMENTS_SITE_URL + path


def _send(messages, what):
    """Send; on failure log what failed (never the exception text: it names addresses) and return False."""
    if not messages:
        return True
    try:
        get_connection().send_messages(messages)
    except Exception as exc:  # any mail failure: the reply is stored, the reader's request goes on
        logger.error("Could not send %s (%d message(s)): %s", what, len(messages), type(exc).__name__)
        return False
    return True


def _excerpt(reply, length=200):
    return html.unescape(reply.excerpt(length))


def reply_stored(comment):
    """What a newly stored reply sets off; Comment.objects.submit calls this after commit."""
    try:
        if comment.awaiting_confirmation:
            send_confirmation(comment)
        elif comment.status == Status.PENDING:
            notify_moderators()
        elif comment.status == Status.APPROVED:
            replies_approved([comment.pk])
    except Exception as exc:  # a database hiccup here must not turn a stored reply into a 500
        logger.error("Notifications for reply %s failed: %s", comment.pk, type(exc).__name__)


# --- Moderators --------------------------------------------------------------------


def moderator_emails():
    """Active users who may moderate (directly, by group or as superusers), plus COMMENTS_MODERATOR_EMAILS."""
    User = get_user_model()
    email_field = User.get_email_field_name()
    users = User.objects.with_perm("comments.moderate_comment", include_superusers=True, is_active=True)
    addresses = [*users.exclude(**{email_field: ""}).values_list(email_field, flat=True)]
    addresses += settings.COMMENTS_MODERATOR_EMAILS
    unique = {}
    for address in addresses:
        if address and address.strip():
            unique.setdefault(address.strip().lower(), address.strip())
    return sorted(unique.values())


def unannounced():
    """Held replies in the queue that no moderators' email has mentioned yet."""
    return Comment.objects.in_queue().filter(moderators_notified_at=None)


def batch_window_left():
    """Seconds until the batching window closes and the next send may go out; 0 when it is closed."""
    seconds = settings.COMMENTS_NOTIFY_BATCH_SECONDS
    sent_at = cache.get(WINDOW_KEY) if seconds > 0 else None
    if sent_at is None:
        return 0
    if not isinstance(sent_at, (int, float)) or isinstance(sent_at, bool):
        return seconds  # set before the window remembered when it opened
    return max(1, round(sent_at + seconds - time.time()))


def notify_moderators():
    """Email the moderators every held reply no email has mentioned yet, at most once per window.

    Returns how many replies the email listed (0 when nothing was sent).
    """
    seconds = settings.COMMENTS_NOTIFY_BATCH_SECONDS
    if seconds > 0 and cache.get(WINDOW_KEY):
        return 0  # an email went out recently: these replies wait for the digest (cheap check first)
    waiting = unannounced()
    if not waiting.exists():
        return 0
    recipients = moderator_emails()
    if not recipients:
        return 0
    if seconds > 0 and not cache.add(WINDOW_KEY, time.time(), timeout=seconds):
        return 0  # another process has just sent
    now = timezone.now()
    # One UPDATE claims the replies, so two senders at once never list the same reply.
    count = waiting.update(moderators_notified_at=now)
    claimed = Comment.objects.in_queue().filter(moderators_notified_at=now)
    replies = list(claimed.select_related("article").order_by("created_at")[:DIGEST_LISTS])
    if not replies:
        return 0
    subject = (
        f"Reply held for moderation: {replies[0].article.title}" if count == 1
        else f"{count} replies held for moderation"
    )
    body = render_to_string("comments/email/held.txt", {
        "count": count,
        "more": count - len(replies),
        "replies": [
            {
                "reply": reply,
                "excerpt": _excerpt(reply),
                "admin_url": absolute(reply.get_admin_url()),
            }
            for reply in replies
        ],
        "queue_url": absolute(reverse("admin:comments_moderationqueue_changelist")),
    })
    messages = [
        EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients
    ]
    if not _send(messages, "moderators' alert"):
        claimed.update(moderators_notified_at=None)  # the next send after the window lists them again
        return 0
    return count


# --- Follow-ups --------------------------------------------------------------------


def unsubscribe_token(digest):
    return _unsubscribe_signer.sign(digest)


def unsubscribe_digest(token):
    """The commenter digest in an unsubscribe token; raises signing.BadSignature."""
    return _unsubscribe_signer.unsign(token)


def unsubscribe(digest):
    """Stop follow-ups to this commenter, on every reply they left; returns how many replies changed."""
    return Comment.objects.filter(email_digest=digest, notify=True).update(notify=False)


def replies_approved(ids):
    """Tell each parent's author who asked for it that a reply to them is published; once per reply."""
    try:
        approved_before = set(
            ModerationEvent.objects.filter(comment_id__in=ids, to_status=Status.APPROVED)
            .values("comment_id").annotate(n=Count("pk")).filter(n__gt=1)
            .values_list("comment_id", flat=True)
        )
        replies = (
            Comment.objects.filter(pk__in=ids, status=Status.APPROVED)
            .filter(parent__notify=True, parent__status=Status.APPROVED)
            .exclude(parent__email="")
            .exclude(pk__in=approved_before)
            .select_related("article", "parent")
        )
        messages = [
            follow_up_message(reply) for reply in replies
            if reply.email_digest != reply.parent.email_digest  # no mail about your own reply
            # With confirmation on, only a confirmed address gets mail it did not just ask for.
            and not VerifiedEmail.objects.confirmation_needed(reply.parent.email_digest)
        ]
    except Exception as exc:
        logger.error("Follow-up notifications failed: %s", type(exc).__name__)
        return 0
    return len(messages) if _send(messages, "follow-up notification") else 0


def follow_up_message(reply):
    parent = reply.parent
    unsubscribe_url = absolute(reverse("unsubscribe", args=[unsubscribe_token(parent.email_digest)]))
    body = render_to_string("comments/email/follow_up.txt", {
        "reply": reply,
        "excerpt": _excerpt(reply),
        "reply_url": absolute(reply.get_absolute_url()),
        "unsubscribe_url": unsubscribe_url,
    })
    subject = " ".join(f"New reply to your comment on “{reply.article.title}”".split())
    return EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [parent.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# --- Address confirmation ------------------------------------------------------------


def confirmation_token(digest):
    return _confirm_signer.sign(digest)


def confirmed_digest(token):
    """The digest in a confirmation link; raises signing.SignatureExpired or BadSignature."""
    return _confirm_signer.unsign(token, max_age=settings.COMMENTS_CONFIRM_MAX_AGE)


def send_confirmation(comment):
    """Mail the link that releases this commenter's replies to the queue (at most hourly per address)."""
    if not cache.add(f"comments:confirmation-sent:{comment.email_digest}", True, CONFIRMATION_RESEND_SECONDS):
        return False
    body = render_to_string("comments/email/confirm.txt", {
        "reply": comment,
        "excerpt": _excerpt(comment),
        "confirm_url": absolute(reverse("confirm_email", args=[confirmation_token(comment.email_digest)])),
        "days": max(1, settings.COMMENTS_CONFIRM_MAX_AGE // 86400),
    })
    subject = " ".join(f"Confirm your reply on “{comment.article.title}”".split())
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [comment.email])
    if not _send([message], "confirmation link"):
        cache.delete(f"comments:confirmation-sent:{comment.email_digest}")
        return False
    return True


def confirm(digest):
    """Mark the address verified and send its waiting replies to the queue; returns how many."""
    with transaction.atomic():
        VerifiedEmail.objects.get_or_create(digest=digest)
        released = Comment.objects.filter(email_digest=digest).awaiting_confirmation().update(
            awaiting_confirmation=False
        )
        if released:
            transaction.on_commit(_notify_moderators_quietly)
    return released


def _notify_moderators_quietly():
    try:
        notify_moderators()
    except Exception as exc:
        logger.error("Moderators' alert failed: %s", type(exc).__name__)
