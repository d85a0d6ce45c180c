from django.contrib import admin

from comments import page
from newsroom.admin_lookups import FilterLookupsOnly

from .models import Article


@admin.register(Article)
class ArticleAdmin(FilterLookupsOnly, admin.ModelAdmin):
    list_display = ["title", "published_at", "comments_open", "moderation_mode", "published", "pending"]
    list_editable = ["comments_open", "moderation_mode"]
    list_filter = ["comments_open", "moderation_mode"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"

    def get_queryset(self, request):
        # Reply counts in the same query as the articles; published as the page counts them.
        return page.with_reply_counts(super().get_queryset(request), pending=True)

    @admin.display(description="published replies", ordering="comment_count")
    def published(self, obj):
        return obj.comment_count

    @admin.display(description="pending replies", ordering="pending_count")
    def pending(self, obj):
        return obj.pending_count
