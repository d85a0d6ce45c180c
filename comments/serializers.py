"""What the API reads and writes. The email goes in and never comes out: it is
write-only on the one serializer that takes it and absent from all others."""

from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import intake
from .fields import WebsiteField as WebsiteModelField
from .models import Comment, Flag, Status
from .reasons import TRIAGE, Rule, reply_choices
from .validators import NO_SUCH_PARENT, validate_website


class WebsiteField(serializers.URLField):
    """DRF's URLField with the model field's http(s) check in place of its own, which takes ftp://
    (ModelSerializer drops a model field's URLValidator for the serializer field's own)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, URLValidator)] + [validate_website]


class ReplySerializer(serializers.ModelSerializer):
    """A published reply, as every reader sees it."""

    website = serializers.URLField(read_only=True, allow_blank=True, help_text=_("The author's website, or empty."))
    body_html = serializers.CharField(read_only=True, help_text=_("The reply, sanitised once when it was posted."))

    class Meta:
        model = Comment
        fields = ["id", "parent", "name", "website", "body_html", "created_at"]
        read_only_fields = fields


class NewReplySerializer(serializers.ModelSerializer):
    """A new reply: what a reader sends, and what the server made of it.

    The fields' limits and checks come from Comment's fields, as the page's form's
    do; save(sender=…) submits the reply through comments.intake, as the form does.
    """

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, WebsiteModelField: WebsiteField}

    parent = serializers.PrimaryKeyRelatedField(
        queryset=Comment.objects.none(), required=False, allow_null=True, default=None,
        # A whole number: DRF would otherwise take 1.5 for 1.
        pk_field=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        error_messages={"does_not_exist": NO_SUCH_PARENT},
        help_text=_("Id of the approved reply this answers; omit or null for a new thread."),
    )
    status = serializers.SerializerMethodField(
        help_text=_("`approved` when published at once, otherwise `pending` until a moderator looks at it."),
    )

    class Meta:
        model = Comment
        fields = ["id", "parent", "name", "email", "website", "body", "notify", "body_html", "status", "created_at"]
        read_only_fields = ["id", "body_html", "created_at"]
        extra_kwargs = {
            # Optional on imported replies, never on a reader's.
            "email": {
                "required": True, "allow_blank": False, "write_only": True,
                "help_text": _("Never published and never sent back."),
            },
            "body": {
                "write_only": True,
                "help_text": _("Plain text with a little HTML (a, abbr, b, blockquote, br, code, em, i, li, ol, p, "
                               "pre, strong, ul); everything else is stripped or escaped."),
            },
            "notify": {
                "write_only": True,
                "help_text": _("Email the commenter when someone's reply to this one is approved."),
            },
        }

    def get_fields(self):
        fields = super().get_fields()
        article = self.context.get("article")
        if article is not None:
            fields["parent"].queryset = intake.answerable(article)
        return fields

    @extend_schema_field(serializers.ChoiceField(choices=[Status.PENDING, Status.APPROVED]))
    def get_status(self, comment):
        # A spammer is told what everyone else is told, and learns nothing.
        return Status.PENDING if comment.status == Status.SPAM else comment.status

    def create(self, validated_data):
        """Submit the reply (comments.intake); API clients have no form token. Raises moderation.Refused."""
        sender = validated_data.pop("sender")
        return intake.submit_reply(self.context["article"], sender, **validated_data)


class FlagSerializer(serializers.Serializer):
    """A reader's report on a published reply."""

    reason = serializers.ChoiceField(choices=Flag.Reason.choices, default=Flag.Reason.OTHER)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CommenterHistorySerializer(serializers.Serializer):
    """How many of this commenter's replies are in each status, across all articles."""

    pending = serializers.IntegerField()
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()
    spam = serializers.IntegerField()


class QueueReplySerializer(serializers.ModelSerializer):
    """A reply as a moderator sees it: why it was held, how often it was reported, and who
    (opaquely) wrote it, with that commenter's record."""

    # context["history"] is Comment.objects.history_by_digest() for the whole page:
    # one query for every commenter on it, none per reply.
    website = serializers.URLField(read_only=True, allow_blank=True, help_text=_("The author's website, or empty."))
    article = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reasons = serializers.ListField(
        source="reason_list", child=serializers.CharField(), read_only=True,
        help_text="Why the rules held the reply, or why readers' reports sent it back.",
    )
    reason_codes = serializers.ListField(
        child=serializers.ChoiceField(choices=Rule.choices), read_only=True,
        help_text="The code of each of `reasons`, in the same order: what the `reason` filter matches.",
    )
    flag_count = serializers.IntegerField(read_only=True, help_text=_("Readers' reports on this reply."))
    commenter = serializers.CharField(
        read_only=True, allow_null=True,
        help_text=_("Opaque id, the same for every reply from one email address; null without an address."),
    )
    commenter_history = serializers.SerializerMethodField()
    triage_score = serializers.FloatField(
        read_only=True, allow_null=True, min_value=0, max_value=1,
        help_text=_("Probability of spam by the triage model (0–1); null when no model scored it."),
    )
    triage_reasons = serializers.SerializerMethodField(
        help_text=_("The triage model's decisions among `reasons`, e.g. “spam: triage 0.99 (casino, free, bit.ly)”."),
    )

    class Meta:
        model = Comment
        fields = [
            "id", "article", "parent", "name", "website", "body_html", "status", "reasons", "reason_codes",
            "flag_count", "created_at", "commenter", "commenter_history", "triage_score", "triage_reasons",
        ]
        read_only_fields = fields

    def to_representation(self, comment):
        data = super().to_representation(comment)
        data["commenter"] = data["commenter"] or None
        return data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_triage_reasons(self, comment):
        return [text for code, text in comment.coded_reasons if code in TRIAGE]

    @extend_schema_field(CommenterHistorySerializer(allow_null=True))
    def get_commenter_history(self, comment):
        if not comment.email_digest:
            return None
        return self.context["history"][comment.email_digest]


class BulkModerationSerializer(serializers.Serializer):
    """One moderation action for many replies."""

    ACTIONS = {"approve": "approve", "reject": "reject", "spam": "mark_spam"}

    action = serializers.ChoiceField(choices=list(ACTIONS))
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1, max_length=500,
    )


class ReasonCodeField(serializers.ChoiceField):
    """A reason code; an unknown one is answered with the codes allowed."""

    default_error_messages = {"invalid_choice": _("“{input}” is not a reason code. Allowed codes: {allowed}.")}

    def fail(self, key, **kwargs):
        super().fail(key, allowed=", ".join(self.choices), **kwargs)


class QueueFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, allow_blank=True, help_text=_("Only replies in this status."),
    )
    article = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Only replies on the article with this slug."),
    )
    reason = ReasonCodeField(
        choices=reply_choices(), required=False, allow_blank=True,
        help_text="Only replies with this code among their `reason_codes`.",
    )
    ordering = serializers.ChoiceField(
        choices=["created_at", "-created_at", "triage_score", "-triage_score"], required=False, allow_blank=True,
        help_text=_("`-triage_score`: likeliest spam first (unscored replies last). Default: oldest first."),
    )


class BulkResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField(
        help_text=_("How many replies changed status (those already there do not count)."),
    )
