"""The triage model in the admin: versions, the active one's metrics (a server-rendered
precision–recall chart, the confusion table per threshold, top words), rollback, and
"mark spam everything above a score from the last hours" with a preview count."""

from itertools import zip_longest

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.admin_lookups import FilterLookupsOnly

from . import triage
from .triage_model import TriageModel

ROLLBACK_PERMISSION = "comments.rollback_triagemodel"
MODERATE_PERMISSION = "comments.moderate_comment"

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 360, 240, 36


def pr_chart(curve):
    """Coordinates of the precision–recall curve for an SVG polyline (recall → x, precision → y)."""
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD
    points = sorted((recall, precision) for recall, precision, _ in curve)
    return " ".join(
        f"{CHART_PAD + recall * inner_w:.1f},{CHART_PAD + (1 - precision) * inner_h:.1f}" for recall, precision in points
    )


class SpamAboveForm(forms.Form):
    score = forms.FloatField(label=_("score at least"), min_value=0, max_value=1, initial=0.95)
    hours = forms.IntegerField(label=_("posted in the last hours"), min_value=1, max_value=24 * 30, initial=1)


@admin.register(TriageModel)
class TriageModelAdmin(FilterLookupsOnly, admin.ModelAdmin):
    list_display = [
        "__str__", "is_active", "created_at", "trigger", "decisions", "precision", "recall", "roc_auc",
        "spam_at", "hold_at",
    ]
    list_filter = ["is_active", "trigger"]
    change_list_template = "admin/comments/triagemodel/change_list.html"
    # The blob never leaves the database through the admin, nor its size in a list.
    exclude = ["data", "checksum"]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(MODERATE_PERMISSION)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or request.user.has_perm(MODERATE_PERMISSION)

    def has_add_permission(self, request):
        return False  # versions come from training

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")

    @admin.display(description=_("precision"))
    def precision(self, obj):
        return f"{obj.metrics.get('precision', 0):.3f}"

    @admin.display(description=_("recall"))
    def recall(self, obj):
        return f"{obj.metrics.get('recall', 0):.3f}"

    @admin.display(description=_("ROC AUC"))
    def roc_auc(self, obj):
        return f"{obj.metrics.get('roc_auc', 0):.3f}"

    def get_urls(self):
        return [
            path("<int:pk>/rollback/", self.admin_site.admin_view(self.rollback_view),
                 name="comments_triagemodel_rollback"),
            path("mark-spam/", self.admin_site.admin_view(self.mark_spam_view), name="comments_triagemodel_mark_spam"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        counts = triage.decision_counts()
        extra_context = {
            **(extra_context or {}),
            "decision_counts": counts,
            "still_needed": triage.still_needed(counts),
            "min_decisions": triage.min_decisions(),
            "min_per_class": triage.MIN_PER_CLASS,
            "overturns": triage.overturn_counts(),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        model = get_object_or_404(TriageModel.objects.defer("data"), pk=object_id)
        if not self.has_view_permission(request, model):
            raise PermissionDenied
        metrics = model.metrics
        previous = model.previous()
        inner = CHART_WIDTH - 2 * CHART_PAD
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(model),
            "model": model,
            "metrics": metrics,
            "chart": {
                "width": CHART_WIDTH, "height": CHART_HEIGHT, "pad": CHART_PAD,
                "right": CHART_WIDTH - CHART_PAD, "bottom": CHART_HEIGHT - CHART_PAD,
                "points": pr_chart(metrics.get("pr_curve", [])),
                "ticks": [(f"{t / 4:.2f}", CHART_PAD + t * inner / 4, CHART_PAD + (4 - t) * (CHART_HEIGHT - 2 * CHART_PAD) / 4)
                          for t in range(5)],
            },
            "top_pairs": list(zip_longest(metrics.get("top_spam", []), metrics.get("top_ham", []), fillvalue=("", ""))),
            "previous": previous,
            "can_rollback": model.is_active and previous is not None and request.user.has_perm(ROLLBACK_PERMISSION),
            "overturns": triage.overturn_counts(since=model.activated_at) if model.activated_at else None,
            "thresholds_in_force": triage.thresholds(model),
        }
        return TemplateResponse(request, "admin/comments/triagemodel/detail.html", context)

    @staticmethod
    def _require(request, permission):
        if not request.user.has_perm(permission):
            raise PermissionDenied

    def rollback_view(self, request, pk):
        """Activate the version before this one (POST; needs "Can roll back the triage model")."""
        self._require(request, ROLLBACK_PERMISSION)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        model = get_object_or_404(TriageModel.objects.defer("data"), pk=pk)
        previous = model.previous()
        if previous is None:
            self.message_user(request, _("There is no earlier version to roll back to."), messages.ERROR)
        else:
            previous.activate()
            self.message_user(request, _("Rolled back: %(model)s is active.") % {"model": previous}, messages.SUCCESS)
        return redirect(reverse("admin:comments_triagemodel_changelist"))

    def mark_spam_view(self, request):
        """Mark spam every pending reply scored at least `score` in the last `hours`, after a preview count."""
        self._require(request, MODERATE_PERMISSION)
        form = SpamAboveForm(request.POST if request.method == "POST" else request.GET or None)
        count = None
        if form.is_valid():
            since = triage.since_hours(form.cleaned_data["hours"])
            if request.method == "POST" and "confirm" in request.POST:
                marked = triage.mark_spam_above(form.cleaned_data["score"], since, by=request.user)
                self.message_user(
                    request, ngettext("%(n)d reply marked as spam.", "%(n)d replies marked as spam.", marked)
                    % {"n": marked}, messages.SUCCESS,
                )
                return redirect(reverse("admin:comments_moderationqueue_changelist"))
            count = triage.mark_spam_above(form.cleaned_data["score"], since, by=request.user, preview=True)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Mark high-scoring replies as spam"),
            "form": form if form.is_bound else SpamAboveForm(),
            "count": count,
        }
        return TemplateResponse(request, "admin/comments/triagemodel/mark_spam.html", context)
