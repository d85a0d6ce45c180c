"""The workspace's API: rejection reasons, undo, reports of a reply, commenters, stats.

The same code as the workspace (comments/decisions.py, commenters.py, stats.py)
behind thin DRF views, for holders of "Can moderate replies". Commenters are
named by the opaque id the queue's `commenter` field gives; no response carries
an address or its digest.
"""

from datetime import timedelta

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from newsroom.api import DetailSerializer, errors

from . import commenters, stats
from .models import Commenter, Flag
from .permissions import CanModerate
from .reasons import Decision

ALLOWED = ", ".join(Decision.values)


class RejectSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=Decision.choices,
        error_messages={
            "required": f"Give a reason, one of: {ALLOWED}.",
            "invalid_choice": f"“{{input}}” is not a reason; use one of: {ALLOWED}.",
            "null": f"Give a reason, one of: {ALLOWED}.",
        },
        help_text="Why the reply is rejected (sent to its author in the decision notice).",
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                 help_text="A short note for the author, added to the reason.")


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Flag
        fields = ["reason", "note", "created_at"]


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=1000)
    author = serializers.CharField(source="author.get_username", read_only=True, default=None)
    created_at = serializers.DateTimeField(read_only=True)


class SuspendSerializer(serializers.Serializer):
    until = serializers.DateTimeField(required=False, help_text="When the suspension ends.")
    hours = serializers.IntegerField(required=False, min_value=1, max_value=24 * 365,
                                     help_text="Or: how many hours from now.")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate(self, data):
        if ("until" in data) == ("hours" in data):
            raise serializers.ValidationError("Give either `until` or `hours`.")
        until = data.get("until") or timezone.now() + timedelta(hours=data["hours"])
        if until <= timezone.now():
            raise serializers.ValidationError({"until": ["Give a time in the future."]})
        return {"until": until, "reason": data["reason"]}


class BanSerializer(serializers.Serializer):
    remove_published = serializers.BooleanField(default=False,
                                                help_text="Also mark their published replies as spam.")


class CommenterSerializer(serializers.Serializer):
    id = serializers.CharField(source="commenter.public_id")
    name = serializers.CharField(help_text="The name on their latest reply.")
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Their replies by status.")
    first_seen = serializers.DateTimeField(allow_null=True)
    last_seen = serializers.DateTimeField(allow_null=True)
    report_count = serializers.IntegerField()
    banned = serializers.BooleanField()
    suspended_until = serializers.SerializerMethodField()
    replies = serializers.SerializerMethodField()
    notes = NoteSerializer(many=True)

    def get_suspended_until(self, info) -> str | None:
        c = info["commenter"]
        return c.suspended_until.isoformat() if c.is_suspended else None

    def get_replies(self, info) -> list[dict]:
        return [
            {"id": r.pk, "article": r.article.slug, "status": r.status, "created_at": r.created_at.isoformat(),
             "body_html": r.body_html}
            for r in info["replies"]
        ]


COMMENTER_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="The commenter's opaque id.")
_MOD = {**errors(401, 404, e403="Signed in without the “Can moderate replies” permission.")}


_RECORD = OpenApiExample("A commenter", response_only=True, status_codes=["200"], value={
    "id": "5d1c0a9e7b3f4a21", "name": "Jane Reader",
    "counts": {"pending": 1, "approved": 4, "rejected": 1, "spam": 0},
    "first_seen": "2026-10-02T08:11:00Z", "last_seen": "2026-11-24T20:10:33Z", "report_count": 2,
    "banned": False, "suspended_until": "2026-11-25T20:10:33Z",
    "replies": [{"id": 31, "article": "storm-closes-the-harbour", "status": "pending",
                 "created_at": "2026-11-24T20:10:33Z", "body_html": "<p>And you.</p>"}],
    "notes": [{"text": "Warned once about insults.", "author": "ana", "created_at": "2026-11-20T09:00:00Z"}],
})


def _commenter_schema(summary, request=None, description="", example=None):
    return extend_schema(
        summary=summary, description=description or summary + ", then their record as `GET` gives it.",
        request=request, parameters=[COMMENTER_ID], tags=["moderation"],
        responses={200: CommenterSerializer, **_MOD, **(errors(400) if request else {})},
        examples=[_RECORD, *([example] if example else [])],
    )


@extend_schema_view(
    retrieve=_commenter_schema("A commenter's record", description="Every reply (latest 200), counts, first and "
                               "last seen, reports against them, notes, ban and suspension. Never the address."),
    notes=_commenter_schema("Add a note about a commenter", NoteSerializer, example=OpenApiExample(
        "A note", request_only=True, value={"text": "Warned once about insults."})),
    suspend=_commenter_schema(
        "Suspend a commenter", SuspendSerializer,
        "Their new replies are refused (403) with a message saying until when. `{hours}` or `{until}`.",
        OpenApiExample("A day", request_only=True, value={"hours": 24, "reason": "cooling off"}),
    ),
    ban=_commenter_schema("Ban a commenter", BanSerializer,
                          "Their new replies are marked spam silently; pending ones become spam.",
                          OpenApiExample("And remove", request_only=True, value={"remove_published": True})),
    lift=_commenter_schema("Lift a commenter's ban and suspension"),
)
class CommenterViewSet(viewsets.GenericViewSet):
    """A commenter, by the opaque id the queue gives; every action is a moderation event."""

    permission_classes = [CanModerate]
    serializer_class = CommenterSerializer
    lookup_value_regex = r"[^/]+"

    def get_object(self):
        commenter = Commenter.objects.resolve(self.kwargs["pk"])
        if commenter is None:
            raise Http404
        return commenter

    def record(self, commenter):
        return Response(CommenterSerializer({"commenter": commenter, **commenters.profile(commenter)}).data)

    def retrieve(self, request, pk):
        return self.record(self.get_object())

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @action(detail=True, methods=["post"], serializer_class=NoteSerializer)
    def notes(self, request, pk):
        commenter = self.get_object()
        commenters.add_note(commenter, by=request.user, text=self._valid(NoteSerializer)["text"])
        return self.record(commenter)

    @action(detail=True, methods=["post"], serializer_class=SuspendSerializer)
    def suspend(self, request, pk):
        commenter = self.get_object()
        commenters.suspend(commenter, by=request.user, **self._valid(SuspendSerializer))
        return self.record(commenter)

    @action(detail=True, methods=["post"], serializer_class=BanSerializer)
    def ban(self, request, pk):
        commenter = self.get_object()
        commenters.ban(commenter, by=request.user, **self._valid(BanSerializer))
        return self.record(commenter)

    @action(detail=True, methods=["post"], serializer_class=serializers.Serializer)
    def lift(self, request, pk):
        commenter = self.get_object()
        commenters.lift(commenter, by=request.user)
        return self.record(commenter)


class StatsView(APIView):
    permission_classes = [CanModerate]

    @extend_schema(
        summary="Moderation stats",
        description="The queue now (pending, age of the oldest pending reply in seconds, reported, appealed) and "
        "a period (`day`, `week`, `30days`): replies received, decisions per moderator, median and 90th "
        "percentile seconds to first decision, share decided by the rules alone, reversals, per article, "
        "and the series the stats page charts.",
        parameters=[OpenApiParameter("period", str, enum=list(stats.PERIODS), default="day")],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, "The figures."), **_MOD, **errors(400)},
        tags=["moderation"],
        examples=[OpenApiExample("A day", response_only=True, status_codes=["200"], value={
            "queue": {"pending": 12, "oldest_pending_seconds": 2520, "reported": 2, "appealed": 1},
            "period": "day", "received": 340, "decisions": 120,
            "per_moderator": [{"moderator": "ana", "decisions": 80, "approved": 60, "rejected": 12, "spam": 8}],
            "first_decision_seconds": {"median": 540, "p90": 3100, "count": 118},
            "auto_decided_share": 0.61, "reversals": 2, "undos": 3,
            "per_article": [{"article": "storm-closes-the-harbour", "title": "Storm closes the harbour",
                             "received": 90}],
        })],
    )
    def get(self, request):
        name = request.query_params.get("period", "day")
        if name not in stats.PERIODS:
            return Response({"period": [f"Use one of: {', '.join(stats.PERIODS)}."]},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response({"queue": stats.queue_now(), **stats.period(name)})


CONFLICT = OpenApiResponse(DetailSerializer, "Nothing to undo, or someone else has decided since.")
