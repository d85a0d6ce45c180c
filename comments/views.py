from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from articles.views import render_article

from . import notifications
from .forms import CommentForm, ReportForm
from .http import (
    HttpResponseSeeOther,
    client_ip,
    over_rate,
    own_reply_ids,
    remember_own_reply,
    remember_proven_commenter,
    reporter_key,
    sender_proofs,
    user_agent,
)
from .models import Comment
from .moderation import Refused
from .threads import reply_message_tag


@sensitive_post_parameters("email")
@require_POST
def post_comment(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        return render_article(request, article, form, status=400)
    try:
        comment = Comment.objects.submit(
            form.submission(
                ip_address=client_ip(request), user_agent=user_agent(request), proofs=sender_proofs(request)
            )
        )
    except Refused as refused:
        form.add_error(None, refused.verdict.message)
        response = render_article(request, article, form, status=refused.verdict.status_code)
        if refused.verdict.retry_after:
            response["Retry-After"] = str(refused.verdict.retry_after)
        return response
    response = HttpResponseSeeOther(comment.get_absolute_url())
    remember_own_reply(request, response, comment)
    return response


@require_POST
def report_comment(request, pk):
    comment = get_object_or_404(Comment.objects.public().select_related("article"), pk=pk)
    if over_rate(request, "report"):
        return HttpResponse("Too many reports from your address; please try again later.",
                            status=429, content_type="text/plain")
    form = ReportForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose a reason from the list.", status=400, content_type="text/plain")
    comment.report(reporter=reporter_key(request), user=request.user if request.user.is_authenticated else None,
                   **form.cleaned_data)
    # Shown next to the reply the reader came back to, not at the top of a long page.
    messages.success(request, "Thank you. A moderator will look at this reply.", extra_tags=reply_message_tag(comment))
    return HttpResponseSeeOther(comment.get_absolute_url())


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
        notifications.confirm(reply, own_ids=own_reply_ids(request))
        remember_proven_commenter(request, response, reply.email_digest)
    patch_cache_control(response, private=True, no_store=True)
    return response
