from django.contrib import admin, messages
from django.utils.safestring import mark_safe

from . import privacy
from .admin_privacy import PersonalDataActions
from .models import Comment, Flag, ListEntry, ModerationEvent, ModerationQueue, Status

EMAIL_PERMISSION = "comments.view_commenter_email"
MODERATE_PERMISSION = "comments.moderate_comment"


def can_moderate(request):
    return request.user.has_perm(MODERATE_PERMISSION)


class ModeratorsMayView:
    """Holders of the moderation permission see this model without further grants."""

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or can_moderate(request)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or can_moderate(request)


class ModeratorsMayEdit(ModeratorsMayView):
    def has_add_permission(self, request):
        return super().has_add_permission(request) or can_moderate(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or can_moderate(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) or can_moderate(request)


@admin.register(Comment)
class CommentAdmin(PersonalDataActions, ModeratorsMayView, admin.ModelAdmin):
    list_display = ["excerpt", "name", "masked_email", "article", "status", "created_at"]
    list_filter = ["status", "article"]
    # The article is printed on every row: one JOIN instead of a query per row.
    list_select_related = ["article"]
    search_fields = ["name", "body"]
    search_help_text = "Name or text; a full email address finds that commenter's replies."
    actions = ["approve", "reject", "mark_spam"]
    list_per_page = 50
    readonly_fields = [
        "article", "parent", "name", "masked_email", "website", "status", "reasons",
        "rendered", "created_at", "moderated_at", "moderated_by", "ip_address", "user_agent",
    ]

    def get_fields(self, request, obj=None):
        email = "email" if request.user.has_perm(EMAIL_PERMISSION) else "masked_email"
        return [
            "article", "parent", "name", email, "website", "status", "reasons", "rendered", "body",
            "created_at", "moderated_at", "moderated_by", "ip_address", "user_agent",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "email"]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if "@" in search_term:
            results |= queryset.filter(email_digest=privacy.email_digest(search_term))
        return results, may_have_duplicates

    def has_add_permission(self, request):
        return False  # replies come from readers

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or can_moderate(request)

    def has_moderate_permission(self, request):
        return can_moderate(request)

    @admin.display(description="reply")
    def excerpt(self, obj):
        return obj.excerpt()

    @admin.display(description="email")
    def masked_email(self, obj):
        return obj.masked_email

    @admin.display(description="as readers see it")
    def rendered(self, obj):
        return mark_safe(obj.body_html)  # sanitised when stored

    def _moderate(self, request, queryset, status, verb):
        changed = queryset.moderate(status, by=request.user)
        self.message_user(request, f"{changed} repl{'y' if changed == 1 else 'ies'} {verb}.", messages.SUCCESS)

    @admin.action(description="Approve selected replies", permissions=["moderate"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Status.APPROVED, "approved")

    @admin.action(description="Reject selected replies", permissions=["moderate"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, Status.REJECTED, "rejected")

    @admin.action(description="Mark selected replies as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Status.SPAM, "marked as spam")


@admin.register(ModerationQueue)
class ModerationQueueAdmin(CommentAdmin):
    list_filter = ["article"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Status.PENDING).order_by("created_at")


@admin.register(ListEntry)
class ListEntryAdmin(ModeratorsMayEdit, admin.ModelAdmin):
    list_display = ["__str__", "kind", "action", "note", "created_at"]
    list_filter = ["kind", "action"]
    search_fields = ["value", "note"]


@admin.register(Flag)
class FlagAdmin(ModeratorsMayView, admin.ModelAdmin):
    list_display = ["comment", "reason", "note", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["comment__article"]
    readonly_fields = ["comment", "reason", "note", "user", "created_at"]
    exclude = ["reporter"]


@admin.register(ModerationEvent)
class ModerationEventAdmin(ModeratorsMayView, admin.ModelAdmin):
    list_display = ["created_at", "comment", "from_status", "to_status", "actor", "reason"]
    list_filter = ["to_status"]
    list_select_related = ["comment__article", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
