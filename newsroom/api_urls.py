"""/api/: the JSON API of both apps, its OpenAPI document and a docs page served from local files."""

from csp.decorators import csp_update
from django.http import HttpResponse
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from articles.api import ArticleViewSet
from comments.api import ArticleReplyViewSet, ModerationViewSet, ReplyViewSet
from comments.api_moderation import CommenterViewSet, StatsView

app_name = "api"

router = SimpleRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register(r"articles/(?P<slug>[^/]+)/comments", ArticleReplyViewSet, basename="article-comment")
router.register("comments", ReplyViewSet, basename="comment")
router.register("moderation/comments", ModerationViewSet, basename="moderation-comment")
router.register("moderation/commenters", CommenterViewSet, basename="moderation-commenter")


class DocsView(SpectacularSwaggerSplitView):
    def options(self, request, *args, **kwargs):
        # DRF answers OPTIONS with a description of the view as data, which this
        # view's only renderer, an HTML template, cannot render: a 500. Allow says it all.
        return HttpResponse(status=200)


# Swagger UI's own stylesheet draws its icons as data: images.
docs = csp_update({"img-src": ["data:"]})(
    DocsView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")
)

urlpatterns = [
    *router.urls,
    path("moderation/stats/", StatsView.as_view(), name="moderation-stats"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the page runs under script-src 'self'.
    path("docs/", docs, name="docs"),
]
