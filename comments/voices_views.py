"""The article page's newsroom voices: a staff member's reply, a reader's recommendation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles.models import Article
from newsroom.cross_origin import csrf_token_for_sessions

from . import recommend, staff
from .forms import CommentForm
from .http import HttpResponseSeeOther
from .models import Comment
from .orders import parse_sort
from .page import render_article
from .page_cache import parse_page
from .sorting import permalink
from .threads import reply_message_tag
from .throttling import throttled


def _sort(request):
    return parse_sort(request.GET.get("sort")) or parse_sort(None)


@require_POST
def post_staff_reply(request, slug):
    """A reply from a holder of "Can reply as staff": their name and title, published at once.

    Signed in, so Django's token CSRF applies (CsrfViewMiddleware, as for every session form).
    """
    if not staff.may_reply_as_staff(request.user):
        raise PermissionDenied(_("You do not have permission to reply as staff."))
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = staff.StaffReplyForm(request.POST, article=article)
    if not form.is_valid():
        return render_article(request, article, CommentForm(article=article), staff_form=form, status=400,
                              page=parse_page(request.GET.get("cpage")) or 1, sort=_sort(request))
    reply = staff.post_staff_reply(request.user, article, form.cleaned_data["body"], form.cleaned_data["parent"])
    return HttpResponseSeeOther(permalink(reply, _sort(request)))


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@csrf_token_for_sessions
@require_POST
def recommend_comment(request, pk):
    """Recommend a published reply: JSON for the page's script, else back to the reply with a thank-you."""
    reply = get_object_or_404(Comment.objects.public().select_related("article"), pk=pk)
    if wait := throttled(request, "recommend"):  # the one rate limiter, as for reports
        message = _("Too many recommendations from your address; please try again later.")
        response = (JsonResponse({"detail": message}, status=429) if _wants_json(request)
                    else HttpResponse(message, status=429, content_type="text/plain"))
        response["Retry-After"] = str(wait)
        return response
    voter, ip_digest, new_browser = recommend.voter(request)
    counted, count = recommend.recommend(reply, voter, ip_digest)
    if _wants_json(request):
        response = JsonResponse({"id": reply.pk, "count": count, "label": recommend.count_label(count),
                                 "counted": counted})
    else:
        thanks = (_("Thank you for recommending this reply (%(label)s).") if counted
                  else _("You have already recommended this reply (%(label)s)."))
        messages.success(request, thanks % {"label": recommend.count_label(count)}, extra_tags=reply_message_tag(reply))
        response = HttpResponseSeeOther(permalink(reply, _sort(request)))
    if new_browser:
        recommend.remember_voter(response, new_browser)
    response["Cache-Control"] = "private, no-store"
    return response
