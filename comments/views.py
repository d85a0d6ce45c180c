from django import forms
from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Article
from background.queue import enqueue_on_commit
from newsroom.cross_origin import csrf_token_for_sessions, session_involved

from . import notices, notifications, readers, tasks
from .forms import CommentForm, ReportForm
from .http import (
    HttpResponseSeeOther,
    form_stamp_token,
    own_reply_ids,
    remember_own_reply,
    remember_proven_commenter,
    reporter_key,
    set_form_stamp,
)
from .intake import Sender
from .models import Comment, Flag
from .moderation import Refused, form_token
from .orders import parse_sort
from .page import render_article
from .sorting import permalink
from .threads import reply_message_tag
from .throttling import throttled

# The smallest transparent GIF: the reply form's timing image.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


@sensitive_post_parameters("email")
@csrf_token_for_sessions
@require_POST
def post_comment(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    reader = readers.check_may_post(request)  # signed in, or a 403 when the site requires it
    data = readers.fill_from_account(request.POST.copy(), reader)
    if not data.get("token"):
        # The shared page has no per-reader token: the timing proof is the form's image's cookie.
        # Kept in the field from here on, so a form re-rendered with errors keeps its first time.
        data["token"] = form_stamp_token(request)
    form = CommentForm(data, article=article)
    if not form.is_valid():
        return render_article(request, article, form, status=400)
    try:
        comment = form.save(sender=readers.account_sender(reader, Sender.from_request(request)))
    except Refused as refused:
        form.add_error(None, refused.verdict.message)
        response = render_article(request, article, form, status=refused.verdict.status_code)
        if refused.verdict.retry_after:
            response["Retry-After"] = str(refused.verdict.retry_after)
        return response
    # Back to the order the reader was reading in (the form's action carries it).
    response = HttpResponseSeeOther(permalink(comment, parse_sort(request.GET.get("sort"))))
    remember_own_reply(request, response, comment)
    return response


@require_GET
def form_stamp(request, slug):
    """A 1x1 image in the reply form: loading it leaves a signed "form served now" token in a
    cookie for this article's reply endpoint, so the shared page needs no per-reader token and
    the too-fast rule still knows when the form was served, with or without JavaScript."""
    article = get_object_or_404(Article.objects.published().only("pk", "slug"), slug=slug)
    response = HttpResponse(PIXEL, content_type="image/gif")
    set_form_stamp(response, article, form_token(article))
    patch_cache_control(response, private=True, no_store=True)
    return response


@csrf_token_for_sessions
@require_http_methods(["GET", "POST"])
def report_comment(request, pk):
    """GET: a small page with the report form for one reply (readers without JavaScript);
    POST: the report, from that page or from the article page's one report form."""
    comment = get_object_or_404(Comment.objects.public().select_related("article"), pk=pk)
    if request.method == "GET":
        return _report_page(request, comment, ReportForm())
    if wait := throttled(request, "report"):
        response = HttpResponse(_("Too many reports from your address; please try again later."),
                                status=429, content_type="text/plain")
        response["Retry-After"] = str(wait)
        return response
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _report_page(request, comment, form, status=400)
    comment.report(reporter=reporter_key(request), user=request.user if request.user.is_authenticated else None,
                   **form.cleaned_data)
    # Shown next to the reply the reader came back to, not at the top of a long page.
    messages.success(
        request, _("Thank you. A moderator will look at this reply."), extra_tags=reply_message_tag(comment)
    )
    return HttpResponseSeeOther(comment.get_absolute_url())


def _report_page(request, comment, form, status=200):
    context = {"comment": comment, "form": form, "reasons": Flag.Reason.choices,
               "session_involved": session_involved(request)}
    response = render(request, "comments/report.html", context, status=status)
    if session_involved(request):
        patch_cache_control(response, private=True, no_store=True)
    return response


# RFC 8058 one-click: the mail client POSTs without a CSRF token; the signed token is the proof.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request):
    """GET asks (mail scanners follow links), POST stops every follow-up to this commenter."""
    try:
        digest = notifications.unsubscribe_digest(request.GET.get("token", ""))
    except signing.BadSignature:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    done = request.method == "POST"
    if done:
        notifications.unsubscribe(digest)
    return render(request, "comments/unsubscribe.html", {"done": done})


@require_http_methods(["GET", "POST"])
def confirm_email(request):
    """GET asks (mail scanners follow links), POST confirms the reply, and this browser as its author's."""
    try:
        reply = notifications.confirmed_reply(request.GET.get("token", ""))
    except signing.SignatureExpired:
        return render(request, "comments/confirm_email.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "comments/confirm_email.html", {"invalid": True}, status=400)
    done = request.method == "POST"
    response = render(request, "comments/confirm_email.html", {"done": done})
    if done:
        if notifications.confirm(reply, own_ids=own_reply_ids(request)):
            enqueue_on_commit(tasks.send_moderation_digest)
        remember_proven_commenter(request, response, reply.email_digest)
    patch_cache_control(response, private=True, no_store=True)
    return response


class AppealForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why should we look again?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 5}),
    )


@require_http_methods(["GET", "POST"])
def appeal(request):
    """The link in a decision notice: GET shows the reply and a note field, POST sends it back to the queue once."""
    try:
        reply = notices.appealable_reply(request.GET.get("token", ""))
    except signing.SignatureExpired:
        return _appeal_page(request, {"expired": True}, status=400)
    except signing.BadSignature:
        return _appeal_page(request, {"invalid": True}, status=400)
    except notices.CannotAppeal as refusal:
        return _appeal_page(request, {"refused": str(refusal)}, status=409)
    form = AppealForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        notices.appeal(reply, form.cleaned_data["note"])
        return _appeal_page(request, {"done": True})
    status = 400 if form.is_bound else 200
    return _appeal_page(request, {"reply": reply, "form": form}, status=status)


def _appeal_page(request, context, status=200):
    response = render(request, "comments/appeal.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response
