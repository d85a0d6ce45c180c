import secrets

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from background.queue import enqueue_on_commit
from newsroom.admin_lookups import FilterLookupsOnly

from . import dispatch, tasks
from .models import EVENTS, TEST_EVENT, Delivery, Endpoint


def can_manage(request):
    return request.user.is_active and (
        request.user.is_superuser or request.user.has_perm("webhooks.manage_webhooks")
    )


class AdminOnly:
    """Webhooks carry secrets and reach other systems: administrators only, whatever else a user may do."""

    def has_module_permission(self, request):
        return can_manage(request)

    def has_view_permission(self, request, obj=None):
        return can_manage(request)

    def has_add_permission(self, request, *args):
        return can_manage(request)

    def has_change_permission(self, request, obj=None):
        return can_manage(request)

    def has_delete_permission(self, request, obj=None):
        return can_manage(request)

    def has_manage_permission(self, request):
        return can_manage(request)


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(label=_("events"), choices=EVENTS, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events", "active", "secret"]


@admin.register(Endpoint)
class EndpointAdmin(FilterLookupsOnly, AdminOnly, admin.ModelAdmin):
    form = EndpointForm
    list_display = ["__str__", "host", "event_list", "active", "failure_count", "disabled_at"]
    list_filter = ["active"]
    readonly_fields = ["delivery_log", "failure_count", "failing_since", "disabled_at", "created_at"]
    actions = ["send_test_event"]

    @admin.display(description=_("events"))
    def event_list(self, obj):
        return ", ".join(obj.events)

    @admin.display(description=_("delivery log"))
    def delivery_log(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:webhooks_delivery_changelist") + f"?endpoint__id__exact={obj.pk}"
        counts = dict(obj.deliveries.values_list("status").annotate(n=Count("pk")).order_by())
        summary = ", ".join(f"{label}: {counts.get(value, 0)}" for value, label in Delivery.Status.choices)
        return format_html('<a href="{}">{}</a> ({})', url, _("Deliveries to this endpoint"), summary)

    def save_model(self, request, obj, form, change):
        if obj.active and "active" in form.changed_data:
            obj.failure_count, obj.failing_since, obj.disabled_at = 0, None, None  # switched on again: a fresh start
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Send a test event to the selected endpoints"), permissions=["manage"])
    def send_test_event(self, request, queryset):
        count = 0
        for endpoint in queryset:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    endpoint=endpoint, event=TEST_EVENT, payload=dispatch.test_body(endpoint),
                    message_id=f"msg_{secrets.token_hex(16)}",
                )
                enqueue_on_commit(tasks.deliver, delivery.pk)
            count += 1
        self.message_user(
            request,
            ngettext("Test event queued for %d endpoint; see its deliveries.",
                     "Test event queued for %d endpoints; see their deliveries.", count) % count,
            messages.SUCCESS,
        )


@admin.register(Delivery)
class DeliveryAdmin(FilterLookupsOnly, AdminOnly, admin.ModelAdmin):
    list_display = [
        "created_at", "endpoint", "event", "status", "response_status", "attempts", "latency_ms", "last_error",
    ]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint"]
    readonly_fields = [
        "endpoint", "message_id", "event", "status", "attempts", "response_status", "latency_ms", "last_error",
        "created_at", "last_attempt_at", "delivered_at", "payload",
    ]
    fields = readonly_fields
    actions = ["send_again"]
    show_full_result_count = False

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed deliveries again"), permissions=["manage"])
    def send_again(self, request, queryset):
        count = sum(tasks.send_again(delivery) for delivery in queryset.filter(status=Delivery.Status.FAILED))
        self.message_user(
            request, ngettext("%d delivery queued again.", "%d deliveries queued again.", count) % count,
            messages.SUCCESS,
        )
