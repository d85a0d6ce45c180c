import re

from django.shortcuts import get_object_or_404, render

from comments.forms import CommentForm
from comments.http import own_reply_ids
from comments.models import Comment
from comments.threads import CSRF_PLACEHOLDER, page_version, place_reply_messages, replies_section

from . import page_cache
from .models import Article


def article_list(request):
    return render(request, "articles/article_list.html", {"articles": Article.objects.published()})


def article_detail(request, slug):
    shared_page = page_cache.shared_page_number(request)
    if shared_page is not None and (response := page_cache.get(request, slug, shared_page)):
        return response
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if shared_page is None:
        return render_article(request, article, CommentForm(article=article))
    version = page_version(article.slug)
    form = CommentForm(article=article, initial={"token": page_cache.FORM_TOKEN_PLACEHOLDER})
    content = render_article(request, article, form, csrf_token=CSRF_PLACEHOLDER).content
    page_cache.store(slug, shared_page, article, version, content)
    return page_cache.personalise(request, article.pk, content)


def render_article(request, article, form, *, status=200, csrf_token=None):
    """The article page; the reply view re-renders it with a bound form and its errors.

    ?cpage=N picks the page of replies; ?replytocom=<id> (the Reply links, for
    readers without JavaScript) sets the form's parent to that reply. `csrf_token`
    replaces the reader's own (a placeholder, for a page cached whole).
    """
    page_number, reply_count, replies_html = replies_section(
        request, article, own_reply_ids(request), csrf_token=csrf_token
    )
    replies_html, page_messages = place_reply_messages(request, replies_html)
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
    }
    if csrf_token:
        context["csrf_token"] = csrf_token
    return render(request, "articles/article_detail.html", context, status=status)


def _approved_reply(article, pk):
    if not re.fullmatch(r"[0-9]{1,18}", str(pk or "")):
        return None
    return Comment.objects.for_article(article).approved().only("pk", "name").filter(pk=pk).first()
