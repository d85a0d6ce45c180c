from django.core.validators import validate_slug
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from comments import page
from newsroom.api import RETRY_AFTER, SLUG, errors

from .models import Article
from .serializers import ArticleSerializer, ArticleSummarySerializer

_SUMMARY = {
    "slug": "storm-closes-the-harbour", "title": "Storm closes the harbour",
    "published_at": "2026-11-24T06:00:00Z", "comments_open": True, "comment_count": 12,
}


def published_articles(slug):
    """Published articles, filtered by `slug`; 404 for anything that is not a slug at all.

    PostgreSQL refuses a NUL character in a query with a server error, and the
    API takes any path segment so that every unknown article is a JSON 404.
    """
    if not validate_slug.regex.fullmatch(slug):
        raise NotFound("No Article matches the given query.")
    return Article.objects.published().filter(slug=slug)


@extend_schema_view(
    list=extend_schema(
        summary="Published articles",
        description="Articles whose publication time has come, newest first, paginated.",
        parameters=[RETRY_AFTER],
        responses={200: ArticleSummarySerializer(many=True), **errors(404, 429)},
        examples=[OpenApiExample(
            "An article in the list",
            value={**_SUMMARY, "url": "https://news.example.org/api/articles/storm-closes-the-harbour/"},
            response_only=True, status_codes=["200"],
        )],
    ),
    retrieve=extend_schema(
        summary="One article",
        description="The headline and text of a published article, and whether it takes replies.",
        parameters=[SLUG, RETRY_AFTER],
        responses={200: ArticleSerializer, **errors(404, 429)},
        examples=[OpenApiExample(
            "An article",
            value={**_SUMMARY, "body": "Gale-force winds shut the port on Monday.\n\nFerries stay in dock."},
            response_only=True, status_codes=["200"],
        )],
    ),
)
class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Published articles, with their approved reply counts."""

    lookup_field = "slug"
    lookup_value_regex = r"[^/]+"
    throttle_scope = "read"

    def get_queryset(self):
        slug = self.kwargs.get("slug")
        articles = Article.objects.published() if slug is None else published_articles(slug)
        articles = page.with_reply_counts(articles)  # as the page counts them: none under a hidden parent
        return articles.defer("body") if self.action == "list" else articles

    def get_serializer_class(self):
        return ArticleSummarySerializer if self.action == "list" else ArticleSerializer
