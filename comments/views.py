from django.shortcuts import get_object_or_404
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import render_article

from .forms import CommentForm
from .http import HttpResponseSeeOther, client_ip, remember_own_reply, user_agent
from .models import Comment
from .moderation import Refused


@sensitive_post_parameters("email")
@require_POST
def post_comment(request, slug):
    article = get_object_or_404(Article, slug=slug)
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        return render_article(request, article, form, status=400)
    try:
        comment = Comment.objects.submit(
            form.submission(ip_address=client_ip(request), user_agent=user_agent(request))
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
