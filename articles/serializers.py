from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Article


class ArticleSummarySerializer(serializers.ModelSerializer):
    """A published article in the list."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:article-detail", lookup_field="slug", help_text=_("This article in the API."),
    )
    comments_open = serializers.BooleanField(
        source="accepts_replies", read_only=True,
        help_text=_("Whether a reply posted now would be accepted (open, and not closed by age)."),
    )
    comment_count = serializers.IntegerField(
        read_only=True, help_text=_("Published replies, as the article page counts them.")
    )

    class Meta:
        model = Article
        fields = ["slug", "title", "url", "published_at", "comments_open", "comment_count"]
        read_only_fields = fields


class ArticleSerializer(ArticleSummarySerializer):
    """A published article."""

    body = serializers.CharField(read_only=True, help_text=_("Paragraphs separated by blank lines, as plain text."))

    class Meta:
        model = Article
        fields = ["slug", "title", "body", "published_at", "comments_open", "comment_count"]
        read_only_fields = fields
