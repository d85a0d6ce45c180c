"""Request and response details shared by the reply views and the API."""

from django.conf import settings
from django.http import HttpResponseRedirect

OWN_REPLIES_COOKIE = "own_replies"
_OWN_REPLIES_SALT = "comments.own-replies"
_OWN_REPLIES_KEPT = 20


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def client_ip(request):
    """The reader's address; X-Forwarded-For is trusted only behind a known proxy."""
    if settings.COMMENTS_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def own_reply_ids(request):
    """Ids of the replies this browser posted, from a signed cookie (no session needed)."""
    value = request.get_signed_cookie(
        OWN_REPLIES_COOKIE, default="", salt=_OWN_REPLIES_SALT, max_age=30 * 24 * 3600
    )
    return [int(i) for i in value.split(",") if i.isdigit()]


def remember_own_reply(request, response, comment):
    ids = [*own_reply_ids(request), comment.pk][-_OWN_REPLIES_KEPT:]
    response.set_signed_cookie(
        OWN_REPLIES_COOKIE, ",".join(map(str, ids)), salt=_OWN_REPLIES_SALT,
        max_age=30 * 24 * 3600, httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
