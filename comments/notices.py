"""Decision notices and appeals: the statement of reasons a rejected reply's author gets.

The notice (the decision_notice task, queued by comments.decisions) names the
reply (excerpt, article), the reason in plain words, says that a person
decided, and carries a signed, expiring link to appeal once. The appeal puts
the reply back in the queue flagged ``Rule.APPEALED`` with the author's note;
the decision after it is final and notified without a link. Never for spam.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from background.mail import send_once

from .conf import comment_settings
from .models import Appeal, Comment, ModerationEvent, Status
from .notifications import _excerpt, absolute, link_with_token
from .reasons import Decision, Rule

_appeal_signer = signing.TimestampSigner(salt="comments.appeal")


class CannotAppeal(Exception):
    pass


def appeal_token(reply):
    return _appeal_signer.sign(str(reply.pk))


def appealable_reply(token):
    """The rejected reply an appeal link names; raises signing.SignatureExpired, BadSignature or CannotAppeal."""
    pk = _appeal_signer.unsign(token, max_age=comment_settings.APPEAL_MAX_AGE)
    reply = Comment.objects.select_related("article").filter(pk=pk).first()
    if reply is None:
        raise signing.BadSignature("the reply is gone")
    if Appeal.objects.filter(comment=reply).exists():
        raise CannotAppeal(_("This reply has already been appealed; the decision on the appeal is final."))
    if reply.status != Status.REJECTED:
        raise CannotAppeal(_("This reply is no longer rejected."))
    return reply


def appeal(reply, note):
    """The author's one appeal: the reply goes back to the queue flagged, with their note."""
    note = " ".join(note.split())[:1000]
    with transaction.atomic():
        Appeal.objects.create(comment=reply, note=note)
        line = f"appealed: {note}"
        reply.reasons = "\n".join([*reply.reason_list, line])[:5000]
        reply.reason_codes = [*reply.reason_codes, Rule.APPEALED]
        Comment.objects.filter(pk=reply.pk).update(reasons=reply.reasons, reason_codes=reply.reason_codes)
        reply.moderate(Status.PENDING, reason=line[:500], code=Rule.APPEALED)


def decision_notice(event_id):
    """Send the notice of one decision (the decision_notice task); returns whether one went."""
    event = ModerationEvent.objects.select_related("comment__article").filter(pk=event_id).first()
    reply = event and event.comment
    if (
        reply is None or not reply.email or not comment_settings.DECISION_NOTICES
        or reply.status != event.to_status or event.to_status == Status.SPAM
        or ModerationEvent.objects.filter(undoes=event).exists()
    ):
        return False
    appeal = Appeal.objects.filter(comment=reply).first()
    final = appeal is not None
    context = {
        "reply": reply,
        "excerpt": _excerpt(reply),
        "article_url": absolute(reply.article.get_absolute_url()),
        "approved": event.to_status == Status.APPROVED,
        "reason": Decision(event.reason_code).label if event.reason_code in Decision.values else "",
        "note": event.reason.partition(" — ")[2].split("; final decision")[0],
        "final": final,
        "reports": reply.flags.count(),
        "appeal_url": None if final else link_with_token("appeal", appeal_token(reply)),
        "appeal_days": max(1, comment_settings.APPEAL_MAX_AGE // 86400),
    }
    body = render_to_string("comments/email/decision.txt", context)
    subject = " ".join((
        _("Your reply on “%(title)s” was published after your appeal") if context["approved"]
        else _("Your reply on “%(title)s” was not published")
    ).split()) % {"title": " ".join(reply.article.title.split())}
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [reply.email])
    return send_once(f"decision:{event.pk}", [message]) == 1
