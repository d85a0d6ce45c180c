from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from newsroom.health import healthz

admin.site.site_header = _("Newsroom moderation")
admin.site.site_title = _("Newsroom moderation")
admin.site.index_title = _("Replies and articles")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The moderators' workspace, inside the admin (its login, permissions and templates).
    path("admin/moderate/", include("comments.workspace_urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's). Lazy, as the
    # hashed static name is known only once collectstatic has run.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    path("api/", include("newsroom.api_urls")),
    # Reader accounts (django-allauth): 404 while COMMENTS_ACCOUNTS is off.
    path("accounts/", include("accounts.urls")),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
]
