from django.shortcuts import get_object_or_404, render

from comments.forms import CommentForm
from comments.http import own_reply_ids
from comments.models import Comment, Flag, Status

from .models import Article


def article_list(request):
    return render(request, "articles/article_list.html", {"articles": Article.objects.published()})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return render_article(request, article, CommentForm(article=article))


def render_article(request, article, form, *, status=200):
    """The article page; the reply view re-renders it with a bound form and its errors."""
    replies = Comment.objects.for_article(article).public_or_own(own_reply_ids(request)).shown()
    context = {
        "article": article,
        "replies": replies,
        "reply_count": sum(1 for r in replies if r.status == Status.APPROVED),
        "form": form,
        "accepts_replies": article.accepts_replies(),
        "report_reasons": Flag.Reason.choices,
    }
    return render(request, "articles/article_detail.html", context, status=status)
