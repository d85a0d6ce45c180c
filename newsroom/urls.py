from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Newsroom moderation"
admin.site.site_title = "Newsroom moderation"
admin.site.index_title = "Replies and articles"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("newsroom.api_urls")),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
]
