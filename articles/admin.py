from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from newsroom.admin_lookups import FilterLookupsOnly
from comments.models import Status
from comments.threads import pages_changed_on_commit

from .models import Article


@admin.register(Article)
class ArticleAdmin(FilterLookupsOnly, admin.ModelAdmin):
    list_display = ["title", "published_at", "comments_open", "moderation_mode", "approved", "pending"]
    list_editable = ["comments_open", "moderation_mode"]
    list_filter = ["comments_open", "moderation_mode"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"

    def get_queryset(self, request):
        # Reply counts per status in the same query as the articles.
        return super().get_queryset(request).annotate(
            approved_count=Count("comments", filter=Q(comments__status=Status.APPROVED)),
            pending_count=Count("comments", filter=Q(comments__status=Status.PENDING)),
        )

    # Deleting skips Article.save(): the cached pages must still go.
    def delete_model(self, request, obj):
        pages_changed_on_commit([obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        pages_changed_on_commit(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)

    @admin.display(description=_("approved replies"), ordering="approved_count")
    def approved(self, obj):
        return obj.approved_count

    @admin.display(description=_("pending replies"), ordering="pending_count")
    def pending(self, obj):
        return obj.pending_count
