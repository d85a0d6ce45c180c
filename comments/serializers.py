"""What the API reads and writes. The email goes in and never comes out: it is
write-only on the one serializer that takes it and absent from all others."""

from urllib.parse import urlsplit

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .forms import EMPTY_REPLY
from .models import Comment, Flag, Status
from .moderation import Submission
from .sanitize import render_reply
from .validators import validate_one_line

NO_SUCH_PARENT = "The reply you are answering does not exist on this article."


class ReplySerializer(serializers.ModelSerializer):
    """A published reply, as every reader sees it."""

    website = serializers.URLField(read_only=True, allow_blank=True, help_text="The author's website, or empty.")
    body_html = serializers.CharField(read_only=True, help_text="The reply, sanitised once when it was posted.")

    class Meta:
        model = Comment
        fields = ["id", "parent", "name", "website", "body_html", "created_at"]
        read_only_fields = fields


class NewReplySerializer(serializers.ModelSerializer):
    """A new reply: what a reader sends, and what the server made of it."""

    # The limits of the page's form; after them moderation.submit() decides, as for the form.

    name = serializers.CharField(max_length=100, validators=[validate_one_line])
    email = serializers.EmailField(
        max_length=254, write_only=True, help_text="Never published and never sent back.",
    )
    website = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
    body = serializers.CharField(
        max_length=5000, write_only=True,
        help_text="Plain text with a little HTML (a, abbr, b, blockquote, br, code, em, i, li, ol, p, pre, "
        "strong, ul); everything else is stripped or escaped.",
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Comment.objects.none(), required=False, allow_null=True, default=None,
        # A whole number: DRF would otherwise take 1.5 for 1.
        pk_field=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        error_messages={"does_not_exist": NO_SUCH_PARENT},
        help_text="Id of the approved reply this answers; omit or null for a new thread.",
    )
    notify = serializers.BooleanField(
        required=False, default=False, write_only=True,
        help_text="Email the commenter when someone's reply to this one is approved.",
    )
    status = serializers.SerializerMethodField(
        help_text="`approved` when published at once, otherwise `pending` until a moderator looks at it.",
    )

    class Meta:
        model = Comment
        fields = ["id", "parent", "name", "email", "website", "body", "notify", "body_html", "status", "created_at"]
        read_only_fields = ["id", "body_html", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        article = self.context.get("article")
        if article is not None:
            fields["parent"].queryset = Comment.objects.for_article(article).public()
        return fields

    @extend_schema_field(serializers.ChoiceField(choices=[Status.PENDING, Status.APPROVED]))
    def get_status(self, comment):
        # A spammer is told what everyone else is told, and learns nothing.
        return Status.PENDING if comment.status == Status.SPAM else comment.status

    def validate_website(self, website):
        if website and urlsplit(website).scheme.lower() not in ("http", "https"):
            raise serializers.ValidationError("Enter an http or https address.")
        return website

    def validate_body(self, body):
        if not render_reply(body):
            raise serializers.ValidationError(EMPTY_REPLY, code="empty")
        return body

    def submission(self, *, ip_address, user_agent, proofs):
        """The unsaved reply, for moderation.submit(); API clients have no form token."""
        data = self.validated_data
        comment = Comment(
            article=self.context["article"], name=data["name"], email=data["email"],
            website=data["website"], body=data["body"], notify=data["notify"], ip_address=ip_address,
            user_agent=user_agent[:300],
        )
        comment.attach_to(data["parent"])
        return Submission(comment, form_token=None, **proofs)


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
    website = serializers.URLField(read_only=True, allow_blank=True, help_text="The author's website, or empty.")
    article = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reasons = serializers.ListField(
        source="reason_list", child=serializers.CharField(), read_only=True,
        help_text="Why the rules held the reply, or why readers' reports sent it back.",
    )
    flag_count = serializers.IntegerField(read_only=True, help_text="Readers' reports on this reply.")
    commenter = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="Opaque id, the same for every reply from one email address; null without an address.",
    )
    commenter_history = serializers.SerializerMethodField()
    triage_score = serializers.FloatField(
        read_only=True, allow_null=True, min_value=0, max_value=1,
        help_text="Probability of spam by the triage model (0–1); null when no model scored it.",
    )
    triage_reasons = serializers.SerializerMethodField(
        help_text="The triage model's decisions among `reasons`, e.g. “spam: triage 0.99 (casino, free, bit.ly)”.",
    )

    class Meta:
        model = Comment
        fields = [
            "id", "article", "parent", "name", "website", "body_html", "status", "reasons",
            "flag_count", "created_at", "commenter", "commenter_history", "triage_score", "triage_reasons",
        ]
        read_only_fields = fields

    def to_representation(self, comment):
        data = super().to_representation(comment)
        data["commenter"] = data["commenter"] or None
        return data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_triage_reasons(self, comment):
        return [reason for reason in comment.reason_list if "triage" in reason]

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


class QueueFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, allow_blank=True, help_text="Only replies in this status.",
    )
    article = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Only replies on the article with this slug.",
    )
    ordering = serializers.ChoiceField(
        choices=["created_at", "-created_at", "triage_score", "-triage_score"], required=False, allow_blank=True,
        help_text="`-triage_score`: likeliest spam first (unscored replies last). Default: oldest first.",
    )


class BulkResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="How many replies changed status (those already there do not count).")
