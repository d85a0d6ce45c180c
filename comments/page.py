"""What the articles app asks of comments: the article page, and the reply counts of articles.

The one public interface between the two apps. `articles` imports this module
and nothing else of `comments`; `comments` may import `articles.models` (and
its cdn and tasks modules). The article page is rendered here, with its
replies, its reply form and its shared cache (comments.page_cache), so a
reply's POST (comments.views) re-renders it without leaving this app.
"""

import re

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.html import format_html, format_html_join

from articles.models import Article
from newsroom.cross_origin import session_involved

from . import authoring, page_cache, readers, recommend, staff
from .forms import CommentForm
from .models import Comment, Flag
from .orders import default_sort, parse_sort
from .threads import place_reply_messages, replies_section


def article_page(request, slug):
    """GET /articles/<slug>/ (articles.views.article_detail): the shared copy when the reader may
    have it, from the cache or rendered and kept; else this reader's own page."""
    page = page_cache.parse_page(request.GET.get("cpage"))
    sort = parse_sort(request.GET.get("sort"))
    if page is None or sort is None:  # not a page number or an order: the nearest real page
        return redirect(page_cache.page_url(slug, page or 1, sort))
    shared = page_cache.is_shared(request, page)
    if shared and (response := page_cache.get(request, slug, page, sort)):
        return response
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not shared:
        return render_article(request, article, CommentForm(article=article), page=page, sort=sort)
    version = page_cache.page_version(article.slug)
    response = render_article(request, article, CommentForm(article=article), page=page, sort=sort, shared=True)
    if response.status_code != 200:
        return response
    return page_cache.store(request, slug, page, sort, article, version, response.content)


def render_article(request, article, form, *, page=1, sort=None, status=200, shared=False, staff_form=None):
    """The article page; the reply view re-renders it with a bound form and its errors.

    `page` picks the page of replies (a page past the last redirects there);
    ?replytocom=<id> (the Reply links, for readers without JavaScript) sets the
    form's parent to that reply. A `shared` page is the same bytes for every
    reader (comments.page_cache); any other is this reader's own.
    """
    own_ids = () if shared else authoring.own_ids(request, article)
    sort = sort or default_sort()
    page_number, reply_count, replies_html = replies_section(article, own_ids, page, sort)
    if replies_html is None:
        return redirect(page_cache.page_url(article.slug, page_number, sort))
    replies_html, page_messages = place_reply_messages(request, replies_html)
    replies_html = authoring.place_author_links(request, replies_html, own_ids)
    replies_html = recommend.with_csrf(replies_html, _csrf_input(request) if session_involved(request) else "")
    if staff_form is None and not shared and staff.may_reply_as_staff(request.user):
        staff_form = staff.StaffReplyForm(article=article)  # staff answer under their own name
    bound = staff_form if staff_form is not None else form
    replying_to = _public_reply(article, bound.data.get("parent") if bound.is_bound else request.GET.get("replytocom"))
    if replying_to and not bound.is_bound:
        bound.initial["parent"] = replying_to.pk
    context = {
        "article": article,
        "page_number": page_number,
        "reply_count": reply_count,
        # With nothing published yet, the reader may still see their own reply awaiting moderation.
        "shows_replies": bool(reply_count) or 'id="comment-' in replies_html,
        "replies_html": replies_html,
        "page_messages": page_messages,
        "page_url": page_cache.page_url(article.slug, page_number, sort),
        # The order and page the reader is on, so posting returns to them.
        "page_query": page_cache.page_query(page_number, sort),
        "form": form,
        "staff_form": staff_form,
        "staff_name": staff.display_name(request.user) if staff_form is not None else "",
        "staff_title": staff.staff_title(request.user) if staff_form is not None else "",
        # Reader accounts (COMMENTS_ACCOUNTS): who is signed in, or where to sign in.
        **readers.page_context(request, page_cache.page_url(article.slug, page_number, sort) + "#respond"),
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


def _public_reply(article, pk):
    if not re.fullmatch(r"[0-9]{1,18}", str(pk or "")):
        return None
    return Comment.objects.for_article(article).public().only("pk", "name").filter(pk=pk).first()


def with_reply_counts(articles, *, pending=False):
    """These articles annotated with `comment_count`: their public replies, as the page counts
    them (none under a hidden parent); with `pending`, also `pending_count`."""
    replies = Comment.objects.filter(article=OuterRef("pk")).order_by().values("article")
    counts = {"comment_count": replies.public()}
    if pending:
        counts["pending_count"] = replies.pending()
    return articles.annotate(**{
        name: Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0) for name, rows in counts.items()
    })
