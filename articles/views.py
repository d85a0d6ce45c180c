from django.shortcuts import render

from comments import page

from .models import Article


def article_list(request):
    return render(request, "articles/article_list.html", {"articles": Article.objects.published()})


def article_detail(request, slug):
    # The article with its replies, their form and its shared cache: the comments app renders it.
    return page.article_page(request, slug)
