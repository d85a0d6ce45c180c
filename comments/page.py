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
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.html import format_html_join

from articles.models import Article
from newsroom.cross_origin import session_involved

from . import authoring, page_cache, readers
from .forms import CommentForm
from .models import Comment, Flag
from .threads import place_reply_messages, replies_section


def article_page(request, slug):
    """GET /articles/<slug>/ (articles.views.article_detail): the shared copy when the reader may
    have it, from the cache or rendered and kept; else this reader's own page."""
    page = page_cache.parse_page(request.GET.get("cpage"))
    if page is None:  # not a page number: the first page is the nearest real one
        return redirect(page_cache.page_url(slug, 1))
    shared = page_cache.is_shared(request, page)
    if shared and (response := page_cache.get(request, slug, page)):
        return response
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not shared:
        return render_article(request, article, CommentForm(article=article), page=page)
    version = page_cache.page_version(article.slug)
    response = render_article(request, article, CommentForm(article=article), page=page, shared=True)
    if response.status_code != 200:
        return response
    return page_cache.store(request, slug, page, article, version, response.content)


def render_article(request, article, form, *, page=1, status=200, shared=False):
    """The article page; the reply view re-renders it with a bound form and its errors.

    `page` picks the page of replies (a page past the last redirects there);
    ?replytocom=<id> (the Reply links, for readers without JavaScript) sets the
    form's parent to that reply. A `shared` page is the same bytes for every
    reader (comments.page_cache); any other is this reader's own.
    """
    own_ids = () if shared else authoring.own_ids(request, article)
    page_number, reply_count, replies_html = replies_section(article, own_ids, page)
    if replies_html is None:
        return redirect(page_cache.page_url(article.slug, page_number))
    replies_html, page_messages = place_reply_messages(request, replies_html)
    replies_html = authoring.place_author_links(request, replies_html, own_ids)
    replying_to = _public_reply(article, form.data.get("parent") if form.is_bound else request.GET.get("replytocom"))
    if replying_to and not form.is_bound:
        form.initial["parent"] = replying_to.pk
    context = {
        "article": article,
        "page_number": page_number,
        "reply_count": reply_count,
        # With nothing published yet, the reader may still see their own reply awaiting moderation.
        "shows_replies": bool(reply_count) or 'id="comment-' in replies_html,
        "replies_html": replies_html,
        "page_messages": page_messages,
        "page_url": page_cache.page_url(article.slug, page_number),
        "form": form,
        "replying_to": replying_to,
        "accepts_replies": article.accepts_replies(),
        # Readers' forms carry a CSRF token only where a session is involved (newsroom.cross_origin).
        "session_involved": session_involved(request),
        # The one report form of the page, which comments.js moves under a reply.
        "report_options": format_html_join("", '<option value="{}">{}</option>', Flag.Reason.choices),
        # Reader accounts (COMMENTS_ACCOUNTS): who is signed in, or where to sign in.
        **readers.page_context(request, page_cache.page_url(article.slug, page_number) + "#respond"),
    }
    response = render(request, "articles/article_detail.html", context, status=status)
    if not shared:
        # This reader's own page (their reply awaiting moderation, a message, an open form):
        # no shared cache may keep it and hand it to someone else.
        patch_cache_control(response, private=True, no_store=True)
    return response


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
