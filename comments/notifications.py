"""Emails about replies: moderators' alerts, follow-ups, address confirmation.

Everything here runs in a background task (comments/tasks.py, queued after the
reply's transaction commits), never in the reader's request. Each email goes
through background.mail.send_once, so a task that runs twice — a retry, or a
worker killed mid-task — mails nobody twice for the same event; a failing mail
server makes the task fail (its error names the exception class only, because
SMTP errors quote the recipients' addresses) and the queue retries it.

Moderators' alerts are batched. A held reply sends one email at once and opens a
window of COMMENTS_NOTIFY_BATCH_SECONDS (a key in the shared cache). Replies held
while the window is open send nothing. The first send after it closes — the next
held reply, or ``manage.py send_moderation_digest`` run by cron — carries every
held reply that no email has mentioned yet (``Comment.moderators_notified_at``
is empty), so a spam wave costs one alert and one digest, and the column, not
the cache, decides what is listed: no reply is missed or listed twice. If the
mail server fails, the task is retried with the same claim (its key), so the
retry lists the same replies to the moderators who did not get them yet.

Follow-ups go to the author of the parent reply, only if they ticked "Notify me"
and only the first time a reply to them is published. Their address is the
recipient and nothing else; the one-click unsubscribe link (RFC 8058) carries a
signed, expiring reference to their reply in its query string (which the access
log leaves out), never the address or its digest.

With COMMENTS_CONFIRM_EMAIL a new commenter's held reply stays out of the queue
until they follow a signed link that expires after COMMENTS_CONFIRM_MAX_AGE. The
link confirms that one reply, and the browser that follows it proves the
address from then on; replies someone else posted with the same address are not
released with it.

Reader text in every email is quoted line by line ("> ") and names are folded
onto one line, so nothing a reader typed can pass for the site's own words.
"""

import time
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import caches
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from background.mail import MailNotSent, send_once
from background.models import SentMail

from . import events
from .conf import comment_settings
from .models import Comment, ModerationEvent, Status, VerifiedEmail

WINDOW_KEY = "comments:moderators-notified"
DIGEST_LISTS = 25  # replies listed in one email; the rest are counted
CONFIRMATION_RESEND_SECONDS = 3600  # one confirmation email per address per hour, whatever a bot posts

_unsubscribe_signer = signing.TimestampSigner(salt="comments.unsubscribe.v2")
_confirm_signer = signing.TimestampSigner(salt="comments.confirm.v2")


def absolute(path):
    return comment_settings.SITE_URL + path


def _excerpt(reply, length=200):
    """The reply's text as a quotation: every line marked, so none reads as ours."""
    return "\n".join(f"> {line}".rstrip() for line in reply.excerpt(length).splitlines() or [""])


def one_line(text):
    return " ".join(text.split())


def site_language():
    """Emails are written in the site's language, whatever a request that queued them had active."""
    return translation.override(settings.LANGUAGE_CODE)


def link_with_token(url_name, token):
    # The token rides in the query string, which the access log never records.
    return absolute(f"{reverse(url_name)}?{urlencode({'token': token})}")


def reply_stored(comment):
    """What a newly stored reply sets off (the reply_stored task, queued by comments.intake.submit)."""
    if comment.awaiting_confirmation:
        send_confirmation(comment)
    elif comment.status == Status.PENDING:
        notify_moderators(key=f"reply-{comment.pk}")
    elif comment.status == Status.APPROVED:
        replies_approved([comment.pk])


# --- Moderators --------------------------------------------------------------------


def moderator_emails():
    """Active users who may moderate (directly, by group or as superusers), plus COMMENTS_MODERATOR_EMAILS."""
    User = get_user_model()
    email_field = User.get_email_field_name()
    # Named: with allauth's backend beside Django's, with_perm() must be told which to ask.
    users = User.objects.with_perm(
        "comments.moderate_comment", include_superusers=True, is_active=True,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    addresses = [*users.exclude(**{email_field: ""}).values_list(email_field, flat=True)]
    addresses += comment_settings.MODERATOR_EMAILS
    unique = {}
    for address in addresses:
        if address and address.strip():
            unique.setdefault(address.strip().lower(), address.strip())
    return sorted(unique.values())


CLAIM = "claim"  # SentMail.recipient of the row that records which replies one email lists


def unannounced():
    """Held replies in the queue that no moderators' email has mentioned yet."""
    return Comment.objects.in_queue().filter(moderators_notified_at=None)


def batch_window_left():
    """Seconds until the batching window closes and the next send may go out; 0 when it is closed."""
    seconds = comment_settings.NOTIFY_BATCH_SECONDS
    sent_at = caches["limits"].get(WINDOW_KEY) if seconds > 0 else None
    if sent_at is None:
        return 0
    if not isinstance(sent_at, (int, float)) or isinstance(sent_at, bool):
        return seconds  # set before the window remembered when it opened
    return max(1, round(sent_at + seconds - time.time()))


def notify_moderators(key=None):
    """Email the moderators every held reply no email has mentioned yet, at most once per window.

    `key` names this send: run again with the same key (a retried task), it
    lists the same replies to whoever has not had them. Returns how many
    replies the email listed (0 when nothing was sent).
    """
    event = f"held:{key or uuid.uuid4().hex}"
    claimed_at = _claim_held_replies(event)
    if claimed_at is None:
        return 0
    claimed = Comment.objects.in_queue().filter(moderators_notified_at=claimed_at)
    count = claimed.count()
    replies = list(claimed.select_related("article").order_by("created_at")[:DIGEST_LISTS])
    recipients = moderator_emails()
    if not replies or not recipients:
        return 0
    with site_language():
        subject, body = _held_message(count, replies)
    try:
        send_once(event, [
            EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients
        ])
    except MailNotSent:
        if key is None:  # an ad-hoc send nobody retries: its replies go out with the next send
            claimed.update(moderators_notified_at=None)
            SentMail.objects.filter(event=event).delete()
        raise
    return count


def _held_message(count, replies):
    if count == 1:
        subject = gettext("Reply held for moderation: %(title)s") % {"title": replies[0].article.title}
    else:
        subject = ngettext(
            "%(count)d reply held for moderation", "%(count)d replies held for moderation", count
        ) % {"count": count}
    body = render_to_string("comments/email/held.txt", {
        "count": count,
        "more": count - len(replies),
        "replies": [
            {
                "reply": reply,
                "author": one_line(reply.name),
                "excerpt": _excerpt(reply),
                "admin_url": absolute(reply.get_admin_url()),
            }
            for reply in replies
        ],
        "queue_url": absolute(reverse("admin:comments_moderationqueue_changelist")),
    })
    return subject, body


def _claim_held_replies(event):
    """Mark the unmentioned held replies as this email's; returns the claim's time, or None if nothing to send."""
    earlier = SentMail.objects.filter(event=event, recipient=CLAIM).values_list("created_at", flat=True).first()
    if earlier is not None:
        return earlier  # this send ran before and died or failed: finish that email
    seconds = comment_settings.NOTIFY_BATCH_SECONDS
    if seconds > 0 and caches["limits"].get(WINDOW_KEY):
        return None  # an email went out recently: these replies wait for the digest (cheap check first)
    waiting = unannounced()
    if not waiting.exists() or not moderator_emails():
        return None
    # The window remembers when it opened, so the digest command can say how long it has left.
    if seconds > 0 and not caches["limits"].add(WINDOW_KEY, time.time(), timeout=seconds):
        return None  # another process has just sent
    with transaction.atomic():
        now = timezone.now()
        # One UPDATE claims the replies, so two senders at once never list the same reply;
        # the claim row, written in the same transaction, lets a second run find them again.
        if not waiting.update(moderators_notified_at=now):
            return None
        SentMail.objects.create(event=event, recipient=CLAIM, created_at=now)
    return now


# --- Follow-ups --------------------------------------------------------------------


def unsubscribe_token(reply):
    """An expiring token naming the reply whose author asked for follow-ups."""
    return _unsubscribe_signer.sign(str(reply.pk))


def unsubscribe_digest(token):
    """The commenter digest behind an unsubscribe token; raises signing.BadSignature (expired too)."""
    pk = _unsubscribe_signer.unsign(token, max_age=comment_settings.UNSUBSCRIBE_MAX_AGE)
    digest = Comment.objects.filter(pk=pk).exclude(email_digest="").values_list("email_digest", flat=True).first()
    if digest is None:
        raise signing.BadSignature("the reply is gone")
    return digest


def unsubscribe(digest):
    """Stop follow-ups to this commenter, on every reply they left; returns how many replies changed."""
    return Comment.objects.filter(email_digest=digest, notify=True).update(notify=False)


def replies_approved(ids):
    """Tell each parent's author who asked for it that a reply to them is published; once per reply."""
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
    return sum(
        send_once(f"follow-up:{reply.pk}", [follow_up_message(reply)]) for reply in replies
        if reply.email_digest != reply.parent.email_digest  # no mail about your own reply
        # With confirmation on, only a confirmed address gets mail it did not just ask for.
        and not VerifiedEmail.objects.confirmation_needed(reply.parent.email_digest)
    )


def follow_up_message(reply):
    parent = reply.parent
    unsubscribe_url = link_with_token("unsubscribe", unsubscribe_token(parent))
    with site_language():
        body = render_to_string("comments/email/follow_up.txt", {
            "reply": reply,
            "author": one_line(reply.name),
            "excerpt": _excerpt(reply),
            "reply_url": absolute(reply.get_absolute_url()),
            "unsubscribe_url": unsubscribe_url,
        })
        subject = gettext("New reply to your comment on “%(title)s”") % {"title": reply.article.title}
    subject = " ".join(subject.split())
    return EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [parent.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# --- Address confirmation ------------------------------------------------------------


def confirmation_token(reply):
    return _confirm_signer.sign(str(reply.pk))


def confirmed_reply(token):
    """The reply a confirmation link names; raises signing.SignatureExpired or BadSignature."""
    pk = _confirm_signer.unsign(token, max_age=comment_settings.CONFIRM_MAX_AGE)
    reply = Comment.objects.filter(pk=pk).exclude(email_digest="").only("email_digest").first()
    if reply is None:
        raise signing.BadSignature("the reply is gone")
    return reply


def send_confirmation(comment):
    """Mail the link that releases this commenter's replies to the queue (at most hourly per address)."""
    event = f"confirm:{comment.pk}"
    # A second run of the same task (its marker exists) finishes its own email whatever the hourly limit says.
    throttle = f"comments:confirmation-sent:{comment.email_digest}"
    first_run = not SentMail.objects.filter(event=event).exists()
    if first_run and not caches["limits"].add(throttle, True, CONFIRMATION_RESEND_SECONDS):
        return False
    with site_language():
        body = render_to_string("comments/email/confirm.txt", {
            "reply": comment,
            "excerpt": _excerpt(comment),
            "confirm_url": link_with_token("confirm_email", confirmation_token(comment)),
            "days": max(1, comment_settings.CONFIRM_MAX_AGE // 86400),
        })
        subject = gettext("Confirm your reply on “%(title)s”") % {"title": comment.article.title}
    subject = " ".join(subject.split())
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [comment.email])
    return send_once(event, [message]) == 1


def confirm(reply, own_ids=()):
    """Mark the address verified and send to the queue the confirmed reply and the replies
    with that address this browser posted (`own_ids`); returns how many went.

    Others that someone typed the same address on stay out: confirming one's own reply
    must not vouch for an impersonator's. The caller queues the moderators' digest
    (comments.tasks.send_moderation_digest) when some went.
    """
    digest = reply.email_digest
    with transaction.atomic():
        VerifiedEmail.objects.get_or_create(digest=digest)
        waiting = (
            Comment.objects.filter(email_digest=digest).awaiting_confirmation()
            .filter(Q(pk=reply.pk) | Q(pk__in=own_ids))
        )
        ids = list(waiting.values_list("pk", flat=True))
        released = waiting.update(awaiting_confirmation=False)
        if released:
            events.announce("reply.held", ids)
    return released
