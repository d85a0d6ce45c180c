from django.contrib import admin
from django.urls import include, path

from newsroom.health import healthz

admin.site.site_header = "Newsroom moderation"
admin.site.site_title = "Newsroom moderation"
admin.site.index_title = "Replies and articles"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
]
