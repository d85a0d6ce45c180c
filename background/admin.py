from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.models import DBTaskResult

from newsroom.admin_lookups import FilterLookupsOnly
from newsroom.logs import redact

from . import retries
from .models import BackgroundTask

# The package's own admin shows whole tracebacks, whose messages can quote an
# email address (SMTP refusals do); ours shows the error's class and a redacted line.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


def can_operate(request):
    return request.user.is_active and (
        request.user.is_superuser or request.user.has_perm("background.operate_background_work")
    )


@admin.register(BackgroundTask)
class BackgroundTaskAdmin(FilterLookupsOnly, admin.ModelAdmin):
    list_display = ["task_name", "status", "attempt_count", "error_class", "error", "enqueued_at", "finished_at"]
    list_filter = ["status", "queue_name"]
    ordering = ["-enqueued_at"]
    fields = [
        "task_name", "arguments", "status", "attempt_count", "enqueued_at", "started_at", "finished_at",
        "run_after", "error_class", "error",
    ]
    readonly_fields = fields
    actions = ["retry"]
    show_full_result_count = False

    def has_module_permission(self, request):
        return can_operate(request)

    def has_view_permission(self, request, obj=None):
        return can_operate(request)

    def has_operate_permission(self, request):
        return can_operate(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("attempts"))
    def attempt_count(self, obj):
        return obj.attempts

    @admin.display(description=_("arguments"))
    def arguments(self, obj):
        # Tasks take ids only (never an address), so their arguments are safe to show.
        return ", ".join(map(str, obj.args_kwargs.get("args", [])))

    @admin.display(description=_("error"))
    def error_class(self, obj):
        return obj.error_class or "—"

    @admin.display(description=_("message"))
    def error(self, obj):
        lines = [line for line in obj.traceback.strip().splitlines() if line.strip()]
        return redact(lines[-1])[:300] if lines else "—"

    @admin.action(description=_("Run selected failed tasks again"), permissions=["operate"])
    def retry(self, request, queryset):
        count = retries.run_again(queryset)
        self.message_user(
            request, ngettext("%d task queued again.", "%d tasks queued again.", count) % count, messages.SUCCESS
        )
