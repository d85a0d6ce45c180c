"""Readers recommend published replies, once each, without emptying the page cache at every click.

Once: a signed-in reader per account; anyone else per browser (a random id in a
signed cookie scoped to /comments/, so article pages stay cookie-free and shared)
and per IP address, which is kept only as a keyed digest. The database says so
(unique constraints on Recommendation); the count on the reply is kept alongside.

The cached pages: a click does not replace the article's version. It stamps the
time of the article's latest recommendation, and the first read of the article's
version that finds recommendations newer than the version, once the version is
COMMENTS_RECOMMEND_REFRESH_SECONDS old, replaces it (comments.threads.page_version;
one reader does, the others keep the current one). So under a stream of
recommendations every page and order of the article is rendered again at most
once per that many seconds, a quiet article shows a recommendation on its next
view, and the reader who clicked sees the new count at once: in place with
JavaScript, in the thanks next to the reply without.
"""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from . import privacy
from .http import client_ip
from .models import Comment
from .page_cache import recommendations_changed
from .voices import Recommendation

VOTER_COOKIE = "recommender"
_VOTER_SALT = "comments.recommender"
_VOTER_AGE = 365 * 24 * 3600
CSRF_MARK = "<!--recommend-csrf-->"  # in each recommend form of comments/thread.html


def voter(request):
    """(voter digest, IP digest, new browser id or None) of this reader."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return privacy.keyed_digest("recommender", f"user:{user.pk}"), "", None
    browser = request.get_signed_cookie(VOTER_COOKIE, default="", salt=_VOTER_SALT, max_age=_VOTER_AGE)
    new = None if browser else secrets.token_urlsafe(16)
    ip_digest = privacy.keyed_digest("recommender-ip", str(client_ip(request)))
    return privacy.keyed_digest("recommender", f"browser:{browser or new}"), ip_digest, new


def remember_voter(response, browser):
    response.set_signed_cookie(
        VOTER_COOKIE, browser, salt=_VOTER_SALT, max_age=_VOTER_AGE, path="/comments/",
        httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
    )


def recommend(comment, voter_digest, ip_digest=""):
    """Record one reader's recommendation; returns (counted, the reply's count now)."""
    try:
        with transaction.atomic():
            Recommendation.objects.create(comment=comment, voter=voter_digest, ip_digest=ip_digest)
            Comment.objects.filter(pk=comment.pk).update(recommend_count=F("recommend_count") + 1)
    except IntegrityError:  # this reader (or this address) already recommended it
        counted = False
    else:
        counted = True
        # Now for this transaction's own reads, and after commit, so a page rendered in between
        # (without the new count) is not taken for fresh.
        recommendations_changed(comment.article.slug)
        transaction.on_commit(lambda: recommendations_changed(comment.article.slug))
    count = Comment.objects.filter(pk=comment.pk).values_list("recommend_count", flat=True).first() or 0
    return counted, count


def count_label(count):
    return ngettext("%(count)d recommendation", "%(count)d recommendations", count) % {"count": count}


def with_csrf(html, token_input):
    """The replies' html with the recommend forms' CSRF field: the reader's own token, or none on a shared page."""
    return mark_safe(html.replace(CSRF_MARK, token_input))  # both parts are markup of ours
