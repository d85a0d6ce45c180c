"""Request and response details shared by the reply views and the API."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import privacy
from .conf import comment_settings

OWN_REPLIES_COOKIE = "own_replies"
_OWN_REPLIES_SALT = "comments.own-replies"
_OWN_REPLIES_KEPT = 20
PROVEN_COOKIE = "confirmed_commenters"
_PROVEN_SALT = "comments.confirmed-commenters"
_COOKIE_AGE = 30 * 24 * 3600


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def client_ip(request):
    """The reader's address; X-Forwarded-For is trusted only behind a known proxy."""
    if comment_settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _signed_list(request, name, salt):
    return request.get_signed_cookie(name, default="", salt=salt, max_age=_COOKIE_AGE).split(",")


def _set_signed_list(response, name, salt, values):
    response.set_signed_cookie(
        name, ",".join(map(str, values[-_OWN_REPLIES_KEPT:])), salt=salt,
        max_age=_COOKIE_AGE, httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
    )


def own_reply_ids(request):
    """Ids of the replies this browser posted, from a signed cookie (no session needed)."""
    return [int(i) for i in _signed_list(request, OWN_REPLIES_COOKIE, _OWN_REPLIES_SALT) if i.isascii() and i.isdigit()]


def remember_own_reply(request, response, comment):
    _set_signed_list(response, OWN_REPLIES_COOKIE, _OWN_REPLIES_SALT, [*own_reply_ids(request), comment.pk])


def proven_commenters(request):
    """Opaque ids of the commenters whose address this browser confirmed by the emailed link."""
    return frozenset(filter(None, _signed_list(request, PROVEN_COOKIE, _PROVEN_SALT)))


def remember_proven_commenter(request, response, digest):
    known = [c for c in proven_commenters(request) if c != privacy.commenter_id(digest)]
    _set_signed_list(response, PROVEN_COOKIE, _PROVEN_SALT, [*known, privacy.commenter_id(digest)])


def reporter_key(request):
    """Who is reporting, as a keyed digest: the account if logged in, else the IP."""
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else f"ip:{client_ip(request)}"
    return privacy.keyed_digest("reporter", who)




FORM_STAMP_COOKIE = "form_stamp"


def form_stamp_token(request):
    """The signed "form served at" token the reply form's image left in this browser, or ""."""
    return request.COOKIES.get(FORM_STAMP_COOKIE, "")


def set_form_stamp(response, article, token):
    # Sent back only with replies to this article: not with page views, which stay shared.
    response.set_cookie(
        FORM_STAMP_COOKIE, token, max_age=comment_settings.FORM_MAX_AGE, path=reverse("post_comment", args=[article.slug]),
        httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
    )
