import re

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html_join

from comments import authoring, readers
from comments.forms import CommentForm
from comments.http import session_involved
from comments.models import Comment, Flag
from comments.threads import page_version, parse_page, place_reply_messages, replies_section

from . import page_cache
from .models import Article


def article_list(request):
    return render(request, "articles/article_list.html", {"articles": Article.objects.published()})


def article_detail(request, slug):
    page = parse_page(request.GET.get("cpage"))
    if page is None:  # not a page number: the first page is the nearest real one
        return redirect(_page_url(slug, 1))
    shared = page_cache.is_shared(request, page)
    if shared and (response := page_cache.get(request, slug, page)):
        return response
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not shared:
        return render_article(request, article, CommentForm(article=article), page=page)
    version = page_version(article.slug)
    response = render_article(request, article, CommentForm(article=article), page=page, shared=True)
    if response.status_code != 200:
        return response
    return page_cache.store(request, slug, page, article, version, response.content)


def _page_url(slug, page):
    return reverse("article", args=[slug]) + (f"?cpage={page}" if page > 1 else "")


def render_article(request, article, form, *, page=1, status=200, shared=False):
    """The article page; the reply view re-renders it with a bound form and its errors.

    `page` picks the page of replies (a page past the last redirects there);
    ?replytocom=<id> (the Reply links, for readers without JavaScript) sets the
    form's parent to that reply. A `shared` page is the same bytes for every
    reader (articles.page_cache); any other is this reader's own.
    """
    own_ids = () if shared else authoring.own_ids(request, article)
    page_number, reply_count, replies_html = replies_section(article, own_ids, page)
    if replies_html is None:
        return redirect(_page_url(article.slug, page_number))
    replies_html, page_messages = place_reply_messages(request, replies_html)
    replies_html = authoring.place_author_links(request, replies_html, own_ids)
    replying_to = _approved_reply(article, form.data.get("parent") if form.is_bound else request.GET.get("replytocom"))
    if replying_to and not form.is_bound:
        form.initial["parent"] = replying_to.pk
    page_url = article.get_absolute_url() + (f"?cpage={page_number}" if page_number > 1 else "")
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
        "replying_to": replying_to,
        "accepts_replies": article.accepts_replies(),
        # Readers' forms carry a CSRF token only where a session is involved (newsroom.cross_origin).
        "session_involved": session_involved(request),
        # The one report form of the page, which comments.js moves under a reply.
        "report_options": format_html_join("", '<option value="{}">{}</option>', Flag.Reason.choices),
        # Reader accounts (COMMENTS_ACCOUNTS): who is signed in, or where to sign in.
        **readers.page_context(request, page_url + "#respond"),
    }
    response = render(request, "articles/article_detail.html", context, status=status)
    if not shared:
        # This reader's own page (their reply awaiting moderation, a message, an open form):
        # no shared cache may keep it and hand it to someone else.
        patch_cache_control(response, private=True, no_store=True)
    return response


def _approved_reply(article, pk):
    if not re.fullmatch(r"[0-9]{1,18}", str(pk or "")):
        return None
    return Comment.objects.for_article(article).public().only("pk", "name").filter(pk=pk).first()
