"""The moderators' workspace: /admin/moderate/, inside the admin site.

One card per reply in the queue, filters and sort order in the URL, one POST
per decision. Every view runs through ``admin.site.admin_view`` (the admin's
login and staff check) and asks for "Can moderate replies"; pages extend the
admin's base template. Decisions answer JSON to ``static/js/moderate.js``
(``Accept: application/json``) and redirect back with a message otherwise, so
every action works without JavaScript. The logic lives in comments/decisions.py
(decide, undo), comments/commenters.py (drawer) and comments/stats.py.
"""

from functools import wraps
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article

from . import commenters, decisions, stats
from .admin import MODERATE_PERMISSION, RejectForm
from .conf import comment_settings
from .models import Appeal, Comment, Commenter, Flag, Status
from .reasons import Decision, reply_choices

PER_PAGE = 25
COUNT_UP_TO = 1000  # "1,000+": counting a long queue exactly costs more than the page
SORTS = {
    "oldest": (gettext_lazy("Oldest first"), ["created_at", "pk"]),
    "newest": (gettext_lazy("Newest first"), ["-created_at", "-pk"]),
    "triage": (gettext_lazy("Triage score (likeliest spam first)"), None),
    "reports": (gettext_lazy("Most reported"), None),
}
def moderator_view(view):
    """The admin's login and staff check, then the moderation permission."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not request.user.has_perm(MODERATE_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return admin.site.admin_view(check)


def wants_json(request):
    return request.headers.get("Accept", "").startswith("application/json")


def back(request, default=None):
    """Where a no-JavaScript form returns: its `next` (this site's only), or the queue."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = default or reverse("moderate:queue")
    return HttpResponseRedirect(target)


def reply_id(value):
    """A reply id from a form, or None: digits within the database's integer range."""
    value = str(value or "")
    return int(value) if value.isdigit() and int(value) < 2**63 else None


def context(request, **extra):
    return {**admin.site.each_context(request), **extra}


# --- The queue -------------------------------------------------------------------------


class QueueFilters(forms.Form):
    article = forms.CharField(required=False, max_length=200, label=gettext_lazy("Article (slug)"))
    reason = forms.ChoiceField(required=False, label=gettext_lazy("Reason"),
                               choices=lambda: [("", gettext_lazy("Any reason")), *reply_choices()])
    reported = forms.BooleanField(required=False, label=gettext_lazy("Reported"))
    appealed = forms.BooleanField(required=False, label=gettext_lazy("Appealed"))
    commenter = forms.RegexField(required=False, regex=r"^[0-9a-f]{16}$", label=gettext_lazy("Commenter id"))
    sort = forms.ChoiceField(required=False, label=gettext_lazy("Sort"),
                             choices=[(k, label) for k, (label, _o) in SORTS.items()])


def filtered_queue(data):
    """The pending replies these filters select, in their order; (queryset, cleaned filters)."""
    form = QueueFilters(data)
    if not form.is_valid():
        raise Http404("bad filter")  # becomes 400 below
    f = form.cleaned_data
    queue = Comment.objects.in_queue()
    if f["article"]:
        queue = queue.filter(article__slug=f["article"])
    if f["reason"]:
        queue = queue.with_reason(f["reason"])
    if f["reported"]:
        queue = queue.filter(Exists(Flag.objects.filter(comment=OuterRef("pk"))))
    if f["appealed"]:
        queue = queue.filter(Exists(Appeal.objects.filter(comment=OuterRef("pk"), decided_at=None)))
    if f["commenter"]:
        commenter = Commenter.objects.resolve(f["commenter"])
        queue = queue.filter(email_digest=commenter.digest if commenter else "\x00none")
    sort = f["sort"] or "oldest"
    if sort == "triage":
        queue = queue.order_by(F("triage_score").desc(nulls_last=True), "created_at", "pk")
    elif sort == "reports":
        queue = queue.annotate(reports=Count("flags")).order_by("-reports", "created_at", "pk")
    else:
        queue = queue.order_by(*SORTS[sort][1])
    return queue, {**f, "sort": sort}


def cards(replies, now=None):
    """Decorate a page of replies for their cards: five queries for the whole page."""
    now = now or timezone.now()
    replies = list(replies)
    digests = {r.email_digest for r in replies if r.email_digest}
    Commenter.objects.register(digests)
    public_ids = dict(Commenter.objects.filter(digest__in=digests).values_list("digest", "public_id"))
    history = Comment.objects.history_by_digest(digests)
    reports = {}
    for comment_id, reason in Flag.objects.filter(comment__in=replies).values_list("comment_id", "reason"):
        reports.setdefault(comment_id, []).append(Flag.Reason(reason).label)
    appeals = dict(Appeal.objects.filter(comment__in=replies, decided_at=None).values_list("comment_id", "note"))
    for reply in replies:
        reply.public_id = public_ids.get(reply.email_digest, "")
        reply.history = history[reply.email_digest] if reply.email_digest else None
        reply.report_reasons = sorted(set(reports.get(reply.pk, [])))
        reply.report_count = len(reports.get(reply.pk, []))
        reply.appeal_note = appeals.get(reply.pk)
        reply.waiting = decisions.format_duration((now - reply.created_at).total_seconds())
        reply.badges = [{"code": code, "text": text} for code, text in reply.coded_reasons]
        reply.website_domain = (urlsplit(reply.website).hostname or "") if reply.website else ""
    return replies


@moderator_view
@require_GET
def queue(request):
    try:
        replies, filters = filtered_queue(request.GET)
    except Http404:
        return render(request, "admin/moderate/queue.html", context(
            request, title=_("Moderation workspace"), filters=QueueFilters(request.GET), bad_filter=True,
            replies=[], now=stats.queue_now(count_up_to=COUNT_UP_TO), count_up_to=COUNT_UP_TO,
        ), status=400)
    page = cards(replies.select_related("article", "parent")[:PER_PAGE])
    total = replies.order_by()[:COUNT_UP_TO + 1].count()
    query = urlencode({k: v for k, v in request.GET.items() if k in QueueFilters.base_fields and v})
    here = reverse("moderate:queue") + (f"?{query}" if query else "")
    return render(request, "admin/moderate/queue.html", context(
        request,
        title=_("Moderation workspace"),
        filters=QueueFilters(request.GET or None),
        replies=page,
        shown=len(page),
        total=f"{COUNT_UP_TO:,}+" if total > COUNT_UP_TO else total,
        count_up_to=COUNT_UP_TO,
        now=stats.queue_now(count_up_to=COUNT_UP_TO),
        here=here,
        reject_form=RejectForm(),
        decisions=[(code, str(label)) for code, label in Decision.choices],  # translated once, not per card
        undo_seconds=comment_settings.UNDO_SECONDS,
        articles=Article.objects.order_by("-pk").values_list("slug", "title")[:100],
    ))


def decision_response(request, ok, message, *, reply=None, status=200, undo=False):
    if wants_json(request):
        data = {"ok": ok, "message": message}
        if reply is not None:
            data.update(id=reply.pk, status=reply.status, status_label=str(Status(reply.status).label))
        if undo:
            data["undo_seconds"] = comment_settings.UNDO_SECONDS
        return JsonResponse(data, status=status)
    messages.add_message(request, messages.SUCCESS if ok else messages.ERROR, message)
    return back(request)


@moderator_view
@require_POST
def decide(request, pk):
    action = request.POST.get("action", "")
    if action not in decisions.ACTIONS:
        return decision_response(request, False, _("Unknown action."), status=400)
    if reply_id(pk) is None:
        return decision_response(request, False, _("This reply no longer exists."), status=404)
    expected = request.POST.get("expected") or Status.PENDING
    if expected not in Status.values:
        return decision_response(request, False, _("Unknown status."), status=400)
    try:
        decisions.decide(
            pk, action, by=request.user, code=request.POST.get("reason", ""),
            note=request.POST.get("note", ""), expected=expected,
        )
    except Comment.DoesNotExist:
        return decision_response(request, False, _("This reply no longer exists."), status=404)
    except decisions.AlreadyDecided as conflict:
        return decision_response(request, False, str(conflict), reply=conflict.reply, status=409)
    except decisions.DecisionError as error:
        return decision_response(request, False, str(error), status=400)
    reply = Comment.objects.only("status").get(pk=pk)
    message = _("Reply #%(id)d %(decision)s. Press u to undo.") % {
        "id": reply.pk, "decision": decisions.PAST[reply.status]}
    return decision_response(request, True, message, reply=reply, undo=True)


@moderator_view
@require_POST
def undo(request):
    raw = request.POST.get("id") or None
    if raw is not None and reply_id(raw) is None:
        return decision_response(request, False, _("Unknown reply."), status=400)
    try:
        event = decisions.undo(by=request.user, reply_id=reply_id(raw))
    except decisions.AlreadyDecided as conflict:
        return decision_response(request, False, str(conflict), reply=conflict.reply, status=409)
    except decisions.DecisionError as error:
        return decision_response(request, False, str(error), status=409)
    reply = Comment.objects.only("status").get(pk=event.comment_id)
    message = _("Undone: reply #%(id)d is %(status)s again.") % {
        "id": reply.pk, "status": Status(reply.status).label.lower()}
    return decision_response(request, True, message, reply=reply)


@moderator_view
@require_POST
def bulk(request):
    """Approve the visible replies, or mark spam every pending reply of one commenter; asks first."""
    action = request.POST.get("action")
    if action == "approve":
        ids = [pk for pk in map(reply_id, request.POST.getlist("ids")) if pk is not None][:500]
        replies = Comment.objects.in_queue().filter(pk__in=ids)
        question = ngettext("Approve %(n)d reply?", "Approve all %(n)d replies?", len(ids))
    elif action == "spam_commenter":
        commenter = Commenter.objects.resolve(request.POST.get("commenter", ""))
        if commenter is None:
            return decision_response(request, False, _("Unknown commenter."), status=400)
        replies = Comment.objects.in_queue().filter(email_digest=commenter.digest)
        question = ngettext(
            "Mark %(n)d pending reply of this commenter as spam?",
            "Mark all %(n)d pending replies of this commenter as spam?", replies.count(),
        )
    else:
        return decision_response(request, False, _("Unknown action."), status=400)
    count = replies.count()
    if request.POST.get("confirm") != "yes":
        return render(request, "admin/moderate/confirm.html", context(
            request, title=_("Confirm"), question=question % {"n": count}, count=count,
            replies=replies.select_related("article")[:500], post=request.POST, next=back(request).url,
        ))
    if action == "approve":
        changed = replies.approve(by=request.user)
        text = ngettext("%(n)d reply approved.", "%(n)d replies approved.", changed)
    else:
        changed = replies.mark_spam(by=request.user, reason="spam: all pending replies of the commenter")
        text = ngettext("%(n)d reply marked as spam.", "%(n)d replies marked as spam.", changed)
    messages.success(request, text % {"n": changed})
    return back(request)


# --- The commenter drawer --------------------------------------------------------------


def commenter_or_404(public_id):
    commenter = Commenter.objects.resolve(public_id)
    if commenter is None:
        raise Http404(_("No such commenter."))
    return commenter


class NoteForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Note"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class SuspendForm(forms.Form):
    length = forms.ChoiceField(label=gettext_lazy("For"), choices=[
        ("1h", gettext_lazy("1 hour")), ("24h", gettext_lazy("24 hours")), ("7d", gettext_lazy("7 days")),
        ("custom", gettext_lazy("until…")),
    ])
    until = forms.DateTimeField(label=gettext_lazy("Until"), required=False,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("length") == "custom":
            until = data.get("until")
            if not until or until <= timezone.now():
                raise forms.ValidationError(_("Give a time in the future."))
            data["until"] = until
        elif data.get("length") in commenters.SUSPENSIONS:
            data["until"] = timezone.now() + commenters.SUSPENSIONS[data["length"]]
        return data


@moderator_view
@require_GET
def drawer(request, public_id):
    commenter = commenter_or_404(public_id)
    info = commenters.profile(commenter)
    for reply in info["replies"]:
        reply.masked = reply.masked_email
    reveal = request.user.has_perm("comments.view_commenter_email")
    email = None
    if reveal:
        email = Comment.objects.filter(email_digest=commenter.digest).order_by("-created_at") \
            .values_list("email", flat=True).first()
    return render(request, "admin/moderate/commenter.html", context(
        request, title=_("Commenter %(id)s") % {"id": commenter.public_id}, commenter=commenter, email=email,
        masked=info["replies"][0].masked_email if info["replies"] else "",
        note_form=NoteForm(), suspend_form=SuspendForm(), **info,
    ))


@moderator_view
@require_POST
def commenter_action(request, public_id, verb):
    commenter = commenter_or_404(public_id)
    here = reverse("moderate:commenter", args=[commenter.public_id])
    if verb == "note":
        form = NoteForm(request.POST)
        if not form.is_valid():
            return decision_response(request, False, _("Write a note first."), status=400)
        commenters.add_note(commenter, by=request.user, text=form.cleaned_data["text"])
        text = _("Note added.")
    elif verb == "suspend":
        form = SuspendForm(request.POST)
        if not form.is_valid():
            return decision_response(request, False, " ".join(
                e for errors in form.errors.values() for e in errors), status=400)
        commenters.suspend(commenter, by=request.user, until=form.cleaned_data["until"],
                           reason=form.cleaned_data["reason"])
        text = _("Suspended until %(until)s.") % {
            "until": timezone.localtime(form.cleaned_data["until"]).strftime("%d %b %Y %H:%M")}
    elif verb == "ban":
        pending, published = commenters.ban(
            commenter, by=request.user, remove_published=request.POST.get("remove_published") == "yes")
        text = _("Banned: %(pending)d pending and %(published)d published replies removed.") % {
            "pending": pending, "published": published}
    elif verb == "lift":
        text = _("Ban and suspension lifted.") if commenters.lift(commenter, by=request.user) else _(
            "There was nothing to lift.")
    else:
        raise Http404
    if wants_json(request):
        return JsonResponse({"ok": True, "message": text})
    messages.success(request, text)
    return back(request, here)


# --- Stats -----------------------------------------------------------------------------


@moderator_view
@require_GET
def stats_page(request):
    name = request.GET.get("period", "day")
    if name not in stats.PERIODS:
        name = "day"
    data = stats.period(name)
    charts = {key: stats.chart(data["series"][key]) for key in ("received", "decisions", "queue_age_minutes")}
    fmt = decisions.format_duration
    now = stats.queue_now()
    return render(request, "admin/moderate/stats.html", context(
        request, title=_("Moderation stats"), now=now, data=data, charts=charts,
        periods=[(k, label) for k, (_s, label) in stats.PERIODS.items()],
        median=fmt(data["first_decision_seconds"]["median"]) if data["first_decision_seconds"]["median"]
        is not None else "–",
        p90=fmt(data["first_decision_seconds"]["p90"]) if data["first_decision_seconds"]["p90"] is not None else "–",
        oldest=fmt(now["oldest_pending_seconds"] or 0),
    ))

