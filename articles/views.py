import re

from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html, format_html_join

from comments import recommend, staff
from comments.forms import CommentForm
from comments.http import own_reply_ids, session_involved
from comments.models import Comment, Flag
from comments.sorting import parse_sort, query
from comments.threads import page_version, parse_page, place_reply_messages, replies_section

from . import page_cache
from .models import Article


def article_list(request):
    return render(request, "articles/article_list.html", {"articles": Article.objects.published()})


def article_detail(request, slug):
    page = parse_page(request.GET.get("cpage"))
    sort = parse_sort(request.GET.get("sort"))
    if page is None or sort is None:  # not a page number or an order: the nearest real page
        return redirect(_page_url(slug, page or 1, sort))
    shared = page_cache.is_shared(request, page)
    if shared and (response := page_cache.get(request, slug, page, sort)):
        return response
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not shared:
        return render_article(request, article, CommentForm(article=article), page=page, sort=sort)
    version = page_version(article.slug)
    response = render_article(request, article, CommentForm(article=article), page=page, sort=sort, shared=True)
    if response.status_code != 200:
        return response
    return page_cache.store(request, slug, page, sort, article, version, response.content)


def _page_url(slug, page, sort=None):
    return reverse("article", args=[slug]) + query(sort or parse_sort(None), page)


def render_article(request, article, form, *, page=1, sort=None, status=200, shared=False, staff_form=None):
    """The article page; the reply view re-renders it with a bound form and its errors.

    `page` picks the page of replies (a page past the last redirects there);
    ?replytocom=<id> (the Reply links, for readers without JavaScript) sets the
    form's parent to that reply. A `shared` page is the same bytes for every
    reader (articles.page_cache); any other is this reader's own.
    """
    own_ids = () if shared else own_reply_ids(request)
    sort = sort or parse_sort(None)
    page_number, reply_count, replies_html = replies_section(article, own_ids, page, sort)
    if replies_html is None:
        return redirect(_page_url(article.slug, page_number, sort))
    replies_html, page_messages = place_reply_messages(request, replies_html)
    replies_html = recommend.with_csrf(replies_html, _csrf_input(request) if session_involved(request) else "")
    if staff_form is None and not shared and staff.may_reply_as_staff(request.user):
        staff_form = staff.StaffReplyForm(article=article)  # staff answer under their own name
    bound = staff_form if staff_form is not None else form
    replying_to = _approved_reply(article, bound.data.get("parent") if bound.is_bound else request.GET.get("replytocom"))
    if replying_to and not bound.is_bound:
        bound.initial["parent"] = replying_to.pk
    page_query = query(sort, page_number)
    page_url = article.get_absolute_url() + page_query
    context = {
        "article": article,
        "page_number": page_number,
        "reply_count": reply_count,
        # With nothing published yet, the reader may still see their own reply awaiting moderation.
        "shows_replies": bool(reply_count) or 'id="comment-' in replies_html,
        "replies_html": replies_html,
        "page_messages": page_messages,
        "page_url": page_url,
        "form": form,
        "staff_form": staff_form,
        "staff_name": staff.display_name(request.user) if staff_form is not None else "",
        "staff_title": staff.staff_title(request.user) if staff_form is not None else "",
        # The order and page the reader is on, so posting returns to them.
        "page_query": page_query,
        "replying_to": replying_to,
        "accepts_replies": article.accepts_replies(),
        # Readers' forms carry a CSRF token only where a session is involved (newsroom.cross_origin).
        "session_involved": session_involved(request),
        # The one report form of the page, which comments.js moves under a reply.
        "report_options": format_html_join("", '<option value="{}">{}</option>', Flag.Reason.choices),
    }
    response = render(request, "articles/article_detail.html", context, status=status)
    if not shared:
        # This reader's own page (their reply awaiting moderation, a message, an open form):
        # no shared cache may keep it and hand it to someone else.
        patch_cache_control(response, private=True, no_store=True)
    return response


def _csrf_input(request):
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))


def _approved_reply(article, pk):
    if not re.fullmatch(r"[0-9]{1,18}", str(pk or "")):
        return None
    return Comment.objects.for_article(article).public().only("pk", "name").filter(pk=pk).first()
