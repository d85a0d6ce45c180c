"""How a new reply comes in: built once, judged by the rules, stored.

The fields' checks live on the model (``comments.validators``), so the
reader's form and the API's serializer validate alike. Then both call
``submit_reply()``, as staff replies will: ``build_reply()`` makes the unsaved
``Comment`` (sanitised, email digest, user agent cut to size, threaded within
the depth limit), the rules of ``comments.moderation`` judge it, and ``submit()``
stores it with its verdict. Importers build through ``build_reply()`` too, and
store in bulk without the rules: those replies were judged where they come from.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from background.queue import enqueue_on_commit

from . import events, tasks
from .http import client_ip, own_reply_ids, proven_commenters
from .models import Comment, ModerationEvent, Status, VerifiedEmail
from .moderation import Submission, judge, lock_sender
from .validators import NO_SUCH_PARENT

_USER_AGENT_LENGTH = Comment._meta.get_field("user_agent").max_length


@dataclass(frozen=True)
class Sender:
    """Who sent a reply, as their request shows: the address and browser stored with it, and
    what the browser proves to the rules (the replies it posted, the addresses it confirmed)."""

    ip_address: str | None = None
    user_agent: str = ""
    own_ids: frozenset = frozenset()
    proven_commenters: frozenset = frozenset()
    user: object = None  # the signed-in reader's account (comments.readers.account_sender), stored on the reply

    @classmethod
    def from_request(cls, request):
        return cls(
            ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
            own_ids=frozenset(own_reply_ids(request)), proven_commenters=proven_commenters(request),
        )


def answerable(article):
    """The replies a new reply on `article` may answer: those its readers see."""
    return Comment.objects.for_article(article).public()


def reply_parent(article, pk):
    """The published reply `pk` of `article`, or a ValidationError a reader can read."""
    parent = answerable(article).filter(pk=pk).first()
    if parent is None:
        # Hidden or elsewhere answers exactly like missing: nothing to learn from trying ids.
        raise ValidationError(NO_SUCH_PARENT, code="does_not_exist")
    return parent


def build_reply(article, *, parent=None, user_agent="", body_html=None, **fields):
    """An unsaved reply to `article`, with everything derived from what its author typed.

    `parent` is a Comment (the reply attaches to its deepest ancestor within
    COMMENTS_THREAD_DEPTH); importers, which thread by path, pass `parent_id`
    and `depth` instead. `body_html` is the body already sanitised (an import's
    worker processes), so it is not sanitised again.
    """
    reply = Comment(article=article, user_agent=user_agent[:_USER_AGENT_LENGTH], **fields)
    if parent is not None:
        reply.attach_to(parent)
    if body_html is not None:
        reply.body_html, reply._rendered_body = body_html, reply.body
    reply.render()
    return reply


def submit_reply(article, sender, *, form_token=None, honeypot="", **fields):
    """Build a reply from validated fields and submit it; the stored Comment.

    `form_token` and `honeypot` come from the page's form only (None: a client
    without the form, to which the form-timing rules do not apply). Raises
    moderation.Refused, with nothing stored, when a rule refuses the reply.
    """
    reply = build_reply(article, ip_address=sender.ip_address, user_agent=sender.user_agent, **fields)
    reply.user = sender.user
    return submit(Submission(
        reply, form_token=form_token, honeypot=honeypot,
        own_ids=sender.own_ids, proven_commenters=sender.proven_commenters,
    ))


def submit(submission):
    """Judge an unsaved reply by the rules and store it with the verdict; the one way replies are posted.

    Raises moderation.Refused (nothing stored) when a rule refuses it.
    """
    comment = submission.comment
    comment.render()
    # One write transaction for the checks and the insert: on SQLite
    # (IMMEDIATE) concurrent posters queue here, so flood and duplicate
    # checks see each other's replies.
    with transaction.atomic():
        lock_sender(comment)
        judgement = judge(submission)
        comment.status = judgement.status
        comment.reasons = "\n".join(judgement.reasons)
        comment.reason_codes = judgement.codes
        comment.awaiting_confirmation = (
            comment.status == Status.PENDING and VerifiedEmail.objects.confirmation_needed(comment.email_digest)
        )
        comment.save()
        if judgement.status != Status.PENDING or judgement.reasons:
            ModerationEvent.objects.create(
                comment=comment, from_status="", to_status=comment.status,
                reason=("; ".join(judgement.reasons) or "trusted commenter")[:500],
                reason_code=judgement.code,
            )
        enqueue_on_commit(tasks.reply_stored, comment.pk)
        events.stored(comment)
    return comment
