"""Request and response details shared by the reply views and the API."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseRedirect

from . import privacy

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


def reporter_key(request):
    """Who is reporting, as a keyed digest: the account if logged in, else the IP."""
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else f"ip:{client_ip(request)}"
    return privacy.keyed_digest("reporter", who)


def over_rate(request, scope):
    """Count this request against COMMENTS_RATES[scope] ("10/hour") per IP; True if over.

    A fixed window in the shared cache, so every server process counts together.
    """
    if not settings.COMMENTS_THROTTLE_ENABLED:
        return False
    allowed, per = settings.COMMENTS_RATES[scope].split("/")
    seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}[per.rstrip("s")]
    window = int(time.time() // seconds)
    key = f"rate:{scope}:{privacy.keyed_digest('rate', str(client_ip(request)))}:{window}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count > int(allowed)
