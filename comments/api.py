"""The JSON API for replies: readers read, post and report; moderators work the queue.

Thin views, as the page's: a serializer validates and its save() submits the
reply through comments.intake, Comment.report() records a report, and the
QuerySet and instance verbs (approve, reject, mark_spam) moderate, writing the
same events as the admin.
"""

from django.db.models import Count, F
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from articles.api import published_articles
from newsroom.api import REPLY_ID, RETRY_AFTER, SLUG, DetailSerializer, errors

from . import decisions, readers
from .api_moderation import CONFLICT, RejectSerializer, ReportSerializer
from .http import remember_own_reply, reporter_key
from .intake import Sender
from .models import Comment, Status
from .moderation import Refused
from . import picks
from .permissions import CanModerate
from .serializers import (
    BulkModerationSerializer,
    BulkResultSerializer,
    FlagSerializer,
    NewReplySerializer,
    PickSerializer,
    QueueFilterSerializer,
    QueueReplySerializer,
    ReplySerializer,
)

THANKS = _("Thank you. A moderator will look at this reply.")
NOT_PICKABLE = _("Only a published reply can be an editors' pick.")


def refusal(verdict):
    """The DRF error for a reply the moderation rules refused; the page shows the same message."""
    if verdict.status_code == status.HTTP_403_FORBIDDEN:
        return exceptions.PermissionDenied(verdict.message)
    if verdict.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        error = exceptions.Throttled(detail=verdict.message)
        error.wait = verdict.retry_after  # DRF's exception handler turns it into Retry-After
        return error
    return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [verdict.message]})


class NoEchoBrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """The browsable API, with a blank form under every response.

    DRF refills the form with what was posted, email included; the page's form
    never sends an address back, not even to its author, and neither does this.
    """

    def get_rendered_html_form(self, data, view, method, request):
        return super().get_rendered_html_form(None, view, method, request)


# --- Readers ------------------------------------------------------------------------------

_NEW_REPLY = OpenApiExample(
    "A reply to an approved reply",
    value={
        "name": "Jane Reader",
        "email": "jane@example.org",
        "website": "https://jane.example.org/",
        "body": "The harbour master said the same in 1987.\n\nSee https://example.org/archive",
        "parent": 12,
    },
    request_only=True,
)
_CREATED = OpenApiExample(
    "Held for a moderator",
    value={
        "id": 31, "parent": 12, "name": "Jane Reader", "website": "https://jane.example.org/",
        "body_html": '<p>The harbour master said the same in 1987.</p>\n<p>See <a href="https://example.org/archive" '
        'rel="nofollow ugc noopener">https://example.org/archive</a></p>',
        "status": "pending", "created_at": "2026-11-24T20:10:33Z",
    },
    response_only=True, status_codes=["201"],
)
_REPLY = OpenApiExample(
    "A reply in the list",
    value={
        "id": 31, "parent": 12, "name": "Jane Reader", "website": "https://jane.example.org/",
        "body_html": "<p>And you.</p>", "created_at": "2026-11-24T20:10:33Z",
    },
    response_only=True, status_codes=["200"],
)


@extend_schema_view(
    list=extend_schema(
        summary="Approved replies of an article",
        description="Published replies in thread order (each reply after the one it answers, threads oldest "
        "first), paginated. A reply whose parent is no longer published is left out, as on the page.",
        tags=["replies"],
        parameters=[SLUG, RETRY_AFTER],
        responses={200: ReplySerializer(many=True), **errors(404, 429)},
        examples=[_REPLY],
    ),
    create=extend_schema(
        summary="Post a reply",
        description="Runs the same sanitising and moderation rules as the article page's form. The answer's "
        "`status` is `approved` when the article trusts this commenter, otherwise `pending`; a reply judged "
        "spam also answers `pending`. The email is stored, never published and never sent back. Replies "
        "nested deeper than the thread limit attach to the deepest allowed ancestor.",
        request=NewReplySerializer,
        responses={
            201: NewReplySerializer,
            **errors(
                400, 404, 413, 415, 429,
                e403="Replies are closed on this article (or a session client sent no CSRF token).",
                e429="Posting too quickly (the flood rule) or over the `post` rate: see `Retry-After`.",
            ),
        },
        tags=["replies"],
        parameters=[SLUG, RETRY_AFTER],
        examples=[_NEW_REPLY, _CREATED],
    ),
)
@method_decorator(sensitive_post_parameters("email"), name="dispatch")
class ArticleReplyViewSet(viewsets.GenericViewSet):
    """Replies of one published article: read the approved ones, post a new one."""

    renderer_classes = [renderers.JSONRenderer, NoEchoBrowsableAPIRenderer]

    @property
    def throttle_scope(self):
        return "post" if self.request.method == "POST" else "read"

    def get_serializer_class(self):
        return NewReplySerializer if self.action == "create" else ReplySerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "create":
            context["article"] = self.article
        return context

    @cached_property
    def article(self):
        return get_object_or_404(published_articles(self.kwargs["slug"]))

    def get_queryset(self):
        return Comment.objects.for_article(self.article).public()

    def list(self, request, slug):
        # A list in thread order, as the page shows it; one query, counted as it is read.
        page = self.paginate_queryset(list(self.get_queryset().in_thread_order()))
        return self.get_paginated_response(ReplySerializer(page, many=True).data)

    def create(self, request, slug):
        reader = readers.check_may_post(request)  # PermissionDenied: DRF's 403 with its message
        data = request.data
        if reader is not None:  # a signed-in reader's name and verified address, whatever was sent
            data = readers.fill_from_account(data.copy() if hasattr(data, "copy") else dict(data), reader)
        serializer = self.get_serializer(data=data)
        serializer.is_valid(raise_exception=True)
        try:
            comment = serializer.save(sender=readers.account_sender(reader, Sender.from_request(request)))
        except Refused as refused:
            raise refusal(refused.verdict) from None
        response = Response(serializer.data, status=status.HTTP_201_CREATED)
        # A browser client proves its own replies the way the page's form does.
        remember_own_reply(request, response, comment)
        return response


@extend_schema_view(
    flag=extend_schema(
        summary="Report a reply",
        description="A reader's report on a published reply, as the page's report button makes. Each reader "
        "(account, or else IP address) counts once per reply; reporting again answers 202 and changes "
        "nothing. Past the report threshold the reply goes back to the moderation queue.",
        request=FlagSerializer,
        responses={
            202: OpenApiResponse(DetailSerializer, "Report received."),
            **errors(400, 404, 413, 415, 429, e404="No published reply with this id."),
        },
        tags=["replies"],
        parameters=[REPLY_ID, RETRY_AFTER],
        examples=[
            OpenApiExample("Abusive", value={"reason": "abusive", "note": "Insults another reader."},
                           request_only=True),
            OpenApiExample("Received", value={"detail": THANKS}, response_only=True, status_codes=["202"]),
        ],
    ),
)
class ReplyViewSet(viewsets.GenericViewSet):
    """Readers' actions on one published reply."""

    queryset = Comment.objects.public()
    serializer_class = FlagSerializer
    throttle_scope = "report"
    lookup_value_regex = r"[^/]+"

    @action(detail=True, methods=["post"])
    def flag(self, request, pk):
        reply = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        reply.report(reporter=reporter_key(request), user=user, **serializer.validated_data)
        return Response({"detail": THANKS}, status=status.HTTP_202_ACCEPTED)


# --- Moderators ---------------------------------------------------------------------------

_QUEUE_REPLY = {
    "id": 31, "article": "storm-closes-the-harbour", "parent": 12, "name": "Jane Reader",
    "website": "https://jane.example.org/", "body_html": "<p>Buy cheap watches at …</p>", "status": "pending",
    "reasons": ["held: 3 links"], "reason_codes": ["too_many_links"], "flag_count": 0,
    "created_at": "2026-11-24T20:10:33Z",
    "commenter": "5d1c0a9e7b3f4a21", "commenter_history": {"pending": 1, "approved": 4, "rejected": 0, "spam": 0},
    "triage_score": 0.42, "triage_reasons": [],
}


def _verb(summary, to_status):
    return extend_schema(
        summary=summary,
        description=f"Moves the reply to `{to_status}` and records a moderation event with you as the "
        "actor, exactly as the admin action does. Already there: nothing changes and no event is written. "
        "No request body.",
        request=None,
        parameters=[REPLY_ID],
        responses={
            200: OpenApiResponse(QueueReplySerializer, "The reply, updated."),
            **errors(401, 404, e403="Signed in without the “Can moderate replies” permission."),
        },
        examples=[OpenApiExample("Updated", value={**_QUEUE_REPLY, "status": to_status}, response_only=True)],
    )


@extend_schema_view(
    list=extend_schema(
        summary="Replies for moderators",
        description="Every reply (or those of one status, one article, one reason code), oldest first "
        "(`ordering=-triage_score`: likeliest spam first), with why it was held (`reasons` in words, "
        "`reason_codes` as codes), how many readers reported it, the triage model's score, "
        "and its author as an opaque `commenter` id with their record. "
        "The email is never part of it.",
        parameters=[QueueFilterSerializer],
        responses={
            200: QueueReplySerializer(many=True),
            **errors(
                401, 404, e400="A filter is not valid; an unknown `reason` answers with the codes allowed.",
                e403="Signed in without the “Can moderate replies” permission.",
            ),
        },
        examples=[OpenApiExample("A reply in the queue", value=_QUEUE_REPLY, response_only=True, status_codes=["200"])],
    ),
    approve=_verb("Approve a reply", Status.APPROVED),
    reject=extend_schema(
        summary="Reject a reply",
        description="Moves the reply to `rejected` with a reason code from `comments/reasons.py` (`Decision`) and "
        "an optional note, and records a moderation event with you as the actor; its author gets a decision "
        "notice (COMMENTS_DECISION_NOTICES). Without a valid `reason`: 400 naming the allowed codes. Already "
        "rejected: nothing changes and no event is written.",
        request=RejectSerializer,
        parameters=[REPLY_ID],
        responses={
            200: OpenApiResponse(QueueReplySerializer, "The reply, updated."),
            **errors(400, 401, 404, e403="Signed in without the “Can moderate replies” permission."),
        },
        examples=[
            OpenApiExample("Off topic", value={"reason": "off_topic", "note": "About another story."},
                           request_only=True),
            OpenApiExample("Updated", value={**_QUEUE_REPLY, "status": "rejected"}, response_only=True),
        ],
    ),
    spam=_verb("Mark a reply as spam", Status.SPAM),
    undo=extend_schema(
        summary="Undo your last decision on a reply",
        description="Within COMMENTS_UNDO_SECONDS of your decision, puts the reply back where it was; the undo is "
        "a moderation event of its own. 409 when there is nothing of yours to undo, or someone else has "
        "decided since.",
        request=None,
        parameters=[REPLY_ID],
        responses={
            200: OpenApiResponse(QueueReplySerializer, "The reply, back where it was."),
            409: CONFLICT,
            **errors(401, 404, e403="Signed in without the “Can moderate replies” permission."),
        },
        examples=[OpenApiExample("Back in the queue", value=_QUEUE_REPLY, response_only=True)],
    ),
    reports=extend_schema(
        summary="Readers' reports of a reply",
        description="Every reader's report on the reply, oldest first: reason, note, when. Not who.",
        parameters=[REPLY_ID],
        responses={200: ReportSerializer(many=True), **errors(401, 404, e403="Signed in without the “Can moderate "
                                                                              "replies” permission.")},
        examples=[OpenApiExample("Two reports", response_only=True, value=[
            {"reason": "abusive", "note": "Insults another reader.", "created_at": "2026-11-24T21:00:00Z"},
            {"reason": "spam", "note": "", "created_at": "2026-11-24T21:05:00Z"},
        ])],
    ),
    pick=extend_schema(
        summary="Make a reply an editors' pick",
        description="Marks a published reply as an editors' pick (shown with a badge in every order, and in "
        "the Editors' picks order) and records an event. Needs “Can pick replies”. Already picked: nothing "
        "changes. No request body.",
        request=None, parameters=[REPLY_ID],
        responses={200: PickSerializer, **errors(400, 401, 404, e403="Signed in without “Can pick replies”.")},
        examples=[OpenApiExample("Picked", value={"id": 31, "picked": True, "picked_at": "2026-11-24T21:02:10Z"},
                                 response_only=True, status_codes=["200"])],
    ),
    unpick=extend_schema(
        summary="Take a reply out of the editors' picks",
        description="The reverse of `pick`, recorded as an event. Needs “Can pick replies”. No request body.",
        request=None, parameters=[REPLY_ID],
        responses={200: PickSerializer, **errors(401, 404, e403="Signed in without “Can pick replies”.")},
        examples=[OpenApiExample("Unpicked", value={"id": 31, "picked": False, "picked_at": None},
                                 response_only=True, status_codes=["200"])],
    ),
    bulk=extend_schema(
        summary="Moderate many replies",
        description="Approve, reject or mark as spam up to 500 replies at once, in one transaction, with one "
        "moderation event per reply that changed. Unknown ids are skipped.",
        request=BulkModerationSerializer,
        responses={
            200: BulkResultSerializer,
            **errors(400, 401, 413, 415, e403="Signed in without the “Can moderate replies” permission."),
        },
        examples=[
            OpenApiExample("Spam", value={"action": "spam", "ids": [31, 32, 40]}, request_only=True),
            OpenApiExample("Result", value={"updated": 3}, response_only=True, status_codes=["200"]),
        ],
    ),
)
class ModerationViewSet(viewsets.GenericViewSet):
    """The moderation queue, for holders of comments.moderate_comment."""

    permission_classes = [CanModerate]
    serializer_class = QueueReplySerializer
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        # Only the columns the serializer reads, to read less. The serializer's fields are what keep
        # the address, the IP and the user agent out (deferred fields load on access; tests/test_allow_lists.py).
        return (
            Comment.objects.select_related("article")
            .only(
                "article", "article__slug", "parent_id", "name", "website", "body_html", "status", "reasons",
                "reason_codes", "created_at", "email_digest", "triage_score",
            )
            .annotate(flag_count=Count("flags"))
            .order_by("created_at", "pk")
        )

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = QueueFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        wanted = params.validated_data.get("status")
        if wanted == Status.PENDING:
            queryset = queryset.in_queue()  # not replies still waiting for their author's confirmation
        elif wanted:
            queryset = queryset.filter(status=wanted)
        if reason := params.validated_data.get("reason"):
            queryset = queryset.with_reason(reason)
        if params.validated_data.get("article"):
            queryset = queryset.filter(article__slug=params.validated_data["article"])
        if ordering := params.validated_data.get("ordering"):
            field = F(ordering.lstrip("-"))
            field = field.desc(nulls_last=True) if ordering.startswith("-") else field.asc(nulls_last=True)
            queryset = queryset.order_by(field, "pk")
        return queryset

    def queue_data(self, replies, *, many=False):
        digests = [r.email_digest for r in (replies if many else [replies]) if r.email_digest]
        # One query for the whole page's commenter histories, however many commenters are on it.
        context = {**self.get_serializer_context(), "history": Comment.objects.history_by_digest(digests)}
        return QueueReplySerializer(replies, many=many, context=context).data

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.queue_data(page, many=True))

    def moderated(self, verb):
        reply = self.get_object()
        getattr(reply, verb)(by=self.request.user)
        return Response(self.queue_data(reply))

    @action(detail=True, methods=["post"])
    def approve(self, request, pk):
        return self.moderated("approve")

    @action(detail=True, methods=["post"], serializer_class=RejectSerializer)
    def reject(self, request, pk):
        reply = self.get_object()
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decisions.decide(
            reply.pk, "reject", by=request.user, code=serializer.validated_data["reason"],
            note=serializer.validated_data["note"],
        )
        reply.refresh_from_db(fields=["status"])
        return Response(self.queue_data(reply))

    @action(detail=True, methods=["post"])
    def undo(self, request, pk):
        reply = self.get_object()
        try:
            decisions.undo(by=request.user, reply_id=reply.pk)
        except decisions.DecisionError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        reply.refresh_from_db(fields=["status"])
        return Response(self.queue_data(reply))

    @action(detail=True, methods=["get"], serializer_class=ReportSerializer, pagination_class=None)
    def reports(self, request, pk):
        reply = self.get_object()
        return Response(ReportSerializer(reply.flags.order_by("created_at"), many=True).data)

    @action(detail=True, methods=["post"])
    def spam(self, request, pk):
        return self.moderated("mark_spam")

    def picked(self, verb):
        reply = self.get_object()
        if reply.status != Status.APPROVED:
            raise exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [NOT_PICKABLE]})
        getattr(picks, verb)(Comment.objects.filter(pk=reply.pk), by=self.request.user)
        reply.refresh_from_db(fields=["picked_at"])
        return Response(PickSerializer(reply).data)

    @action(detail=True, methods=["post"], permission_classes=[picks.CanPick], serializer_class=PickSerializer)
    def pick(self, request, pk):
        return self.picked("pick")

    @action(detail=True, methods=["post"], permission_classes=[picks.CanPick], serializer_class=PickSerializer)
    def unpick(self, request, pk):
        return self.picked("unpick")

    @action(detail=False, methods=["post"], serializer_class=BulkModerationSerializer)
    def bulk(self, request):
        serializer = BulkModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        replies = Comment.objects.filter(pk__in=data["ids"])
        if data["action"] == "reject":
            updated = decisions.reject_many(replies, by=request.user, code=data["reason"], note=data["note"])
        else:
            updated = getattr(replies, BulkModerationSerializer.ACTIONS[data["action"]])(by=request.user)
        return Response({"updated": updated})
