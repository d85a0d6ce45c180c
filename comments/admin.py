import ipaddress

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, Exists, F, OuterRef
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from newsroom.admin_lookups import FilterLookupsOnly

from . import decisions, picks, privacy, reasons, voices_admin
from .admin_privacy import EMAIL_PERMISSION, PersonalDataActions
from .models import Comment, CommentRevision, Flag, ListEntry, ModerationEvent, ModerationQueue, Status
from .page_cache import pages_changed_on_commit
from .reasons import Decision, Rule

MODERATE_PERMISSION = "comments.moderate_comment"


def can_moderate(request):
    return request.user.has_perm(MODERATE_PERMISSION)


def may_see_addresses(request):
    return request.user.has_perm(EMAIL_PERMISSION)


class ModeratorsMayView:
    """Holders of the moderation permission see this model without further grants."""

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or can_moderate(request)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or can_moderate(request)


class ModeratorsMayEdit(ModeratorsMayView):
    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) or can_moderate(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or can_moderate(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) or can_moderate(request)


class ReadOnlyInline(ModeratorsMayView, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FlagInline(ReadOnlyInline):
    model = Flag
    fields = readonly_fields = ["reason", "note", "created_at"]
    verbose_name_plural = _("readers' reports")


class EventInline(ReadOnlyInline):
    model = ModerationEvent
    fields = readonly_fields = ["created_at", "actor", "from_status", "to_status", "reason_code", "reason"]
    verbose_name_plural = _("moderation history")


class ReportedFilter(admin.SimpleListFilter):
    title = _("reports")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", _("Reported, published or waiting")), ("yes", _("Reported")), ("no", _("Not reported"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.reported_open()
        if self.value() == "yes":
            return queryset.filter(Exists(Flag.objects.filter(comment=OuterRef("pk"))))
        if self.value() == "no":
            return queryset.exclude(Exists(Flag.objects.filter(comment=OuterRef("pk"))))
        return queryset


class ReasonFilter(admin.SimpleListFilter):
    """Filter by why a reply was held or marked spam: the reason codes the rules record."""

    title = _("reason")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return reasons.reply_choices()

    def queryset(self, request, queryset):
        if self.value() in Rule.values:
            return queryset.with_reason(self.value())
        return queryset


class RejectForm(forms.Form):
    """A rejection's reason: one of the codes in comments/reasons.py, and an optional note."""

    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *Decision.choices])
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, widget=forms.TextInput(attrs={"size": 60})
    )


class ReplyChangeList(ChangeList):
    """Adds each row's report count and commenter history: two queries for the whole page,
    where per-row subqueries would also run for every row an OFFSET skips."""

    def get_results(self, request):
        super().get_results(request)
        replies = list(self.result_list)
        history = Comment.objects.history_by_digest(r.email_digest for r in replies if r.email_digest)
        reports = dict(
            Flag.objects.filter(comment__in=replies).values_list("comment").annotate(n=Count("pk")).order_by()
        )
        no_history = dict.fromkeys(Status.values, 0)
        for reply in replies:
            reply.report_count = reports.get(reply.pk, 0)
            reply.history = history[reply.email_digest] if reply.email_digest else no_history
        self.result_list = replies


@admin.register(Comment)
class CommentAdmin(FilterLookupsOnly, PersonalDataActions, ModeratorsMayView, admin.ModelAdmin):
    list_display = [
        "excerpt", "article", "name", "masked_email", "status", "reason_summary", "report_count",
        "history", "created_at", "triage",
    ]
    list_filter = ["status", ReasonFilter, ReportedFilter, "article"]
    # The article is printed on every row: one JOIN instead of a query per row.
    list_select_related = ["article"]
    search_fields = ["name", "body"]
    actions = ["approve", "reject", "mark_spam", "ban_commenter", "pick", "unpick"]
    list_per_page = 50
    # Django counts the whole table for "N total" on every load: the slowest query
    # on the page at 100,000 replies on PostgreSQL, and it grows with the table.
    show_full_result_count = False
    inlines = [FlagInline, EventInline]
    change_form_template = "admin/comments/comment/change_form.html"
    change_list_template = "admin/comments/comment/change_list.html"
    readonly_fields = [
        "article", "in_reply_to", "name", "masked_email", "email", "website", "status", "reason_summary",
        "rendered", "created_at", "moderated_at", "moderated_by", "ip_address", "masked_ip", "user_agent",
        "masked_user_agent", "staff_title", "picked_at", "earlier_versions",
    ]

    def get_fields(self, request, obj=None):
        if may_see_addresses(request):
            personal = ["email", "ip_address", "user_agent"]
        else:
            personal = ["masked_email", "masked_ip", "masked_user_agent"]
        return [
            "article", "in_reply_to", "name", "staff_title", personal[0], "website", "status", "picked_at",
            "reason_summary", "rendered",
            "body", "created_at", "moderated_at", "moderated_by", *personal[1:], "earlier_versions",
        ]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.search_help_text = (
            _("Name or text; a full email address finds that commenter's replies.")
            if may_see_addresses(request) else _("Name or text.")
        )
        return changelist

    def get_changelist(self, request, **kwargs):
        return ReplyChangeList

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        # Finding replies by address answers "did this address comment?": only for those
        # who may see addresses anyway. Everyone else searches names and text, and an
        # address matches nothing there, whoever wrote it. The same method serves the
        # admin's autocomplete, so it cannot be asked either.
        if may_see_addresses(request) and "\x00" not in term:
            try:
                validate_email(term)
            except ValidationError:
                pass
            else:
                # The digest index finds that commenter at once, where a LIKE over every
                # name and body reads the whole table (0.5 s at 100,000 replies).
                return queryset.filter(email_digest=privacy.email_digest(term)), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request, extra_context=None):
        counts = dict(
            Comment.objects.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        extra_context = {
            **(extra_context or {}),
            "status_counts": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
            "reported_count": Comment.objects.reported_open().count(),
        }
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False  # replies come from readers

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or can_moderate(request)

    # Deleting skips Comment.save() and moderate(): the article's cached pages must still go.
    def delete_model(self, request, obj):
        pages_changed_on_commit([obj.article_id])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        pages_changed_on_commit(queryset.values_list("article_id", flat=True))
        super().delete_queryset(request, queryset)

    def has_moderate_permission(self, request):
        return can_moderate(request)

    def has_pick_permission(self, request):
        return picks.may_pick(request.user)

    def get_urls(self):
        return [
            path("<int:pk>/staff-reply/", self.admin_site.admin_view(self.staff_reply_view),
                 name="comments_comment_staff_reply"),
            *super().get_urls(),
        ]

    def staff_reply_view(self, request, pk):
        """POST from the change page's "Reply as staff" form (admin/comments/comment/change_form.html)."""
        return voices_admin.staff_reply(self, request, pk)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["staff_reply_form"] = voices_admin.staff_reply_form(request, obj)
        context["reject_form"] = RejectForm(prefix="reject")
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    # --- columns -------------------------------------------------------------

    @admin.display(description=_("reply"))
    def excerpt(self, obj):
        return obj.excerpt()

    @admin.display(description=_("email"))
    def masked_email(self, obj):
        return obj.masked_email

    @admin.display(description=_("IP address"))
    def masked_ip(self, obj):
        return privacy.mask_ip(obj.ip_address)

    @admin.display(description=_("user agent"))
    def masked_user_agent(self, obj):
        return privacy.mask_user_agent(obj.user_agent)

    @admin.display(description=_("reasons"))
    def reason_summary(self, obj):
        return "; ".join(obj.reason_list) or "–"

    @admin.display(description=_("reports"))
    def report_count(self, obj):
        return obj.report_count

    @admin.display(description=_("commenter history"))
    def history(self, obj):
        h = obj.history
        return gettext("%(approved)d approved · %(rejected)d rejected · %(spam)d spam") % {
            "approved": h[Status.APPROVED], "rejected": h[Status.REJECTED], "spam": h[Status.SPAM],
        }

    # Click the column to order by score: likeliest spam first, unscored replies last.
    @admin.display(description=_("triage"), ordering=F("triage_score").asc(nulls_last=True))
    def triage(self, obj):
        return "–" if obj.triage_score is None else f"{obj.triage_score:.2f}"

    @admin.display(description=_("earlier versions"))
    def earlier_versions(self, obj):
        """The text before each of its author's edits (comments/authoring.py), oldest first."""
        revisions = obj.revisions.all() if obj else []
        if not revisions:
            return _("– (never edited by its author)")
        return format_html("<ol class=\"earlier-versions\">{}</ol>", format_html_join(
            "", "<li><time datetime=\"{}\">{}</time> ({}): {}</li>",
            ((r.created_at.isoformat(), r.created_at.strftime("%Y-%m-%d %H:%M:%S"), r.get_status_display(), r.body)
             for r in revisions),
        ))

    @admin.display(description=_("as readers see it"))
    def rendered(self, obj):
        return mark_safe(obj.body_html)  # sanitised when stored

    @admin.display(description=_("in reply to"))
    def in_reply_to(self, obj):
        if obj.parent is None:
            return gettext("– (starts a thread)")
        return format_html(
            '<a href="{}">{}</a> ({}): {}', reverse("admin:comments_comment_change", args=[obj.parent_id]),
            obj.parent.name, obj.parent.get_status_display(), mark_safe(obj.parent.body_html),
        )

    # --- actions -------------------------------------------------------------

    def _report(self, request, message):
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Approve selected replies"), permissions=["moderate"])
    def approve(self, request, queryset):
        n = queryset.approve(by=request.user)
        self._report(request, ngettext("%(n)d reply approved.", "%(n)d replies approved.", n) % {"n": n})

    @admin.action(description=_("Reject selected replies…"), permissions=["moderate"])
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            n = decisions.reject_many(
                queryset, by=request.user, code=form.cleaned_data["reason"], note=form.cleaned_data["note"]
            )
            self._report(request, ngettext("%(n)d reply rejected.", "%(n)d replies rejected.", n) % {"n": n})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject replies"),
            "opts": self.model._meta,
            "form": form,
            "replies": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/comments/comment/reject.html", context)

    @admin.action(description=_("Mark selected replies as spam"), permissions=["moderate"])
    def mark_spam(self, request, queryset):
        n = queryset.mark_spam(by=request.user)
        self._report(
            request, ngettext("%(n)d reply marked as spam.", "%(n)d replies marked as spam.", n) % {"n": n}
        )

    @admin.action(description=_("Mark selected replies as editors' picks"), permissions=["pick"])
    def pick(self, request, queryset):
        changed = picks.pick(queryset, by=request.user)
        self.message_user(request, ngettext("%(n)d reply picked.", "%(n)d replies picked.", changed) % {"n": changed},
                          messages.SUCCESS)

    @admin.action(description=_("Remove selected replies from the editors' picks"), permissions=["pick"])
    def unpick(self, request, queryset):
        changed = picks.unpick(queryset, by=request.user)
        self.message_user(request, ngettext("%(n)d reply unpicked.", "%(n)d replies unpicked.", changed)
                          % {"n": changed}, messages.SUCCESS)

    @admin.action(description=_("Ban the commenters of selected replies"), permissions=["moderate"])
    def ban_commenter(self, request, queryset):
        digests = set(queryset.exclude(email_digest="").values_list("email_digest", flat=True))
        for digest in digests:
            ListEntry.objects.get_or_create(
                kind=ListEntry.Kind.COMMENTER, action=ListEntry.Action.SPAM, value=digest,
                defaults={"created_by": request.user, "note": "banned from the moderation queue"},
            )
        spammed = Comment.objects.filter(email_digest__in=digests, status=Status.PENDING).mark_spam(
            by=request.user, reason="banned commenter", code=Rule.BANNED
        )
        banned = ngettext("%(n)d commenter banned", "%(n)d commenters banned", len(digests)) % {"n": len(digests)}
        marked = ngettext(
            "%(n)d pending reply marked as spam", "%(n)d pending replies marked as spam", spammed
        ) % {"n": spammed}
        # Translators: the two parts are "3 commenters banned" and "5 pending replies marked as spam".
        self._report(request, gettext("%(banned)s; %(marked)s.") % {"banned": banned, "marked": marked})

    # --- change page buttons -------------------------------------------------

    MODERATE_BUTTONS = {"_approve": Status.APPROVED, "_reject": Status.REJECTED, "_spam": Status.SPAM}
    STATUS_MESSAGES = {
        Status.APPROVED: _("Reply marked approved."),
        Status.REJECTED: _("Reply marked rejected."),
        Status.SPAM: _("Reply marked spam."),
    }

    def response_change(self, request, obj):
        for button, status in self.MODERATE_BUTTONS.items():
            if button in request.POST and can_moderate(request):
                if status == Status.REJECTED:
                    form = RejectForm(request.POST, prefix="reject")
                    if not form.is_valid():
                        # The edit is saved; the rejection waits for its reason.
                        self.message_user(request, _("Choose a reason to reject this reply."), messages.ERROR)
                        return HttpResponseRedirect(request.path)
                    obj.reject(
                        by=request.user, code=form.cleaned_data["reason"],
                        reason=decisions.rejection_reason(form.cleaned_data["reason"], form.cleaned_data["note"]),
                    )
                    decisions.notify_rejections([obj.pk], by=request.user)
                else:
                    obj.moderate(status, by=request.user)
                self.message_user(request, self.STATUS_MESSAGES[status], messages.SUCCESS)
                return super().response_post_save_change(request, obj)
        return super().response_change(request, obj)


@admin.register(ModerationQueue)
class ModerationQueueAdmin(CommentAdmin):
    list_filter = [ReasonFilter, ReportedFilter, "article"]

    def get_queryset(self, request):
        return super().get_queryset(request).in_queue().order_by("created_at")


class ListEntryForm(forms.ModelForm):
    class Meta:
        model = ListEntry
        fields = ["kind", "action", "value", "note"]
        help_texts = {
            "value": _(
                "A word or phrase, a domain (example.com also matches its subdomains), an IP address or "
                "network (203.0.113.0/24), or a commenter's email address (stored only as its keyed digest)."
            ),
        }

    def clean(self):
        data = super().clean()
        if data.get("kind") == ListEntry.Kind.IP:
            try:
                ipaddress.ip_network(data.get("value", ""), strict=False)
            except ValueError:
                self.add_error("value", _("Enter an IP address or a network such as 203.0.113.0/24."))
        return data

    def validate_unique(self):
        # Compare the value as it will be stored (lower-cased, or digested for a commenter),
        # not as typed. A commenter already listed is not an error: saying so would tell
        # whoever typed an address that its owner was banned before. The admin saves it
        # as a fresh entry over the old one (ListEntryAdmin.save_model).
        entry = self.instance
        entry.normalise()
        if entry.kind == ListEntry.Kind.COMMENTER:
            return
        duplicate = ListEntry.objects.filter(kind=entry.kind, action=entry.action, value=entry.value)
        if duplicate.exclude(pk=entry.pk).exists():
            self.add_error("value", _("This entry is already on the list."))


@admin.register(ListEntry)
class ListEntryAdmin(FilterLookupsOnly, ModeratorsMayEdit, admin.ModelAdmin):
    form = ListEntryForm
    list_display = ["__str__", "kind", "action", "note", "created_at", "created_by"]
    list_filter = ["kind", "action"]
    search_fields = ["value", "note"]
    list_select_related = ["created_by"]

    def get_fields(self, request, obj=None):
        # A stored commenter digest is not worth showing or editing: it can only be replaced.
        return ["kind", "action", "note"] if obj and obj.kind == ListEntry.Kind.COMMENTER else super().get_fields(
            request, obj
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            # The same commenter listed again replaces the old entry, so adding an address
            # looks the same whether or not it was listed.
            ListEntry.objects.filter(kind=obj.kind, action=obj.action, value=obj.value).delete()
        super().save_model(request, obj, form, change)


@admin.register(Flag)
class FlagAdmin(FilterLookupsOnly, ModeratorsMayView, admin.ModelAdmin):
    list_display = ["comment", "reason", "note", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["comment__article"]
    readonly_fields = ["comment", "reason", "note", "user", "created_at"]
    exclude = ["reporter"]


@admin.register(ModerationEvent)
class ModerationEventAdmin(FilterLookupsOnly, ModeratorsMayView, admin.ModelAdmin):
    list_display = ["created_at", "comment", "from_status", "to_status", "actor", "reason_code", "reason"]
    list_filter = ["to_status", "reason_code"]
    list_select_related = ["comment__article", "actor"]
    exclude = ["commenter"]  # a commenter's digest: never on a page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from .triage_admin import TriageModelAdmin  # noqa: E402, F401  (the triage model: its own module)
