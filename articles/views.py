from django.shortcuts import get_object_or_404, render

from comments.forms import CommentForm
from comments.http import own_reply_ids
from comments.models import Flag
from comments.threads import ThreadPage

from .models import Article


def article_list(request):
    return render(request, "articles/article_list.html", {"articles": Article.objects.published()})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return render_article(request, article, CommentForm(article=article))


def render_article(request, article, form, *, status=200):
    """The article page; the reply view re-renders it with a bound form and its errors.

    ?cpage=N picks the page of replies; ?replytocom=<id> (the Reply links, for
    readers without JavaScript) sets the form's parent to that reply.
    """
    threads = ThreadPage(article, request.GET.get("cpage"), own_reply_ids(request))
    if form.is_bound:
        replying_to = threads.approved_reply(form.data.get("parent"))
    else:
        replying_to = threads.approved_reply(request.GET.get("replytocom"))
        if replying_to:
            form.initial["parent"] = replying_to.pk
    page_url = article.get_absolute_url()
    if threads.page.number > 1:
        page_url += f"?cpage={threads.page.number}"
    context = {
        "article": article,
        "threads": threads,
        "replies": threads.replies,
        "reply_count": threads.reply_count,
        "page_url": page_url,
        "form": form,
        "replying_to": replying_to,
        "accepts_replies": article.accepts_replies(),
        "report_reasons": Flag.Reason.choices,
    }
    return render(request, "articles/article_detail.html", context, status=status)
