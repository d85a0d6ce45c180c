"""Refuse state-changing requests that a browser sends on another site's behalf.

The approach of Go 1.25's ``http.CrossOriginProtection``: every current
browser labels its requests with ``Sec-Fetch-Site``, and older ones send
``Origin`` on cross-origin POSTs, so a request can be judged without a
per-reader token. A POST (PUT, PATCH, DELETE) is refused when
``Sec-Fetch-Site`` says ``cross-site`` or ``same-site``, or when there is no
``Sec-Fetch-Site`` and ``Origin`` names another host. Requests carrying
neither header come from API clients and scripts, not from a browser tricked
by another page, and pass. Django's token CSRF still guards everything a
session is involved in (admin, signed-in users); this covers the forms and
endpoints readers use without one, such as the API's reply and flag endpoints.
"""

import logging
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.defaults import permission_denied

logger = logging.getLogger("django.security.cross_origin")

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def is_cross_origin(request):
    if request.method in SAFE_METHODS:
        return False
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")  # "none": typed in the address bar, a bookmark
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return False
    return urlsplit(origin).netloc != request.get_host()


class CrossOriginProtectionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cross_origin(request):
            return self.get_response(request)
        logger.warning("Cross-origin %s refused: %s", request.method, request.path)
        message = _("This request came from another website, so it was refused. Please use the form on this site.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        return permission_denied(request, PermissionDenied(message))


def session_involved(request):
    """Whether the request carries a session (a signed-in user, a moderator): then Django's
    token CSRF guards its forms, and its pages are its own."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def csrf_token_for_sessions(view):
    """Django's token CSRF for requests that carry a session; none for those without.

    For readers' forms (reply, report): an anonymous reader's page is shared bytes
    with no token in it, and this middleware already refuses cross-site browser
    posts. A session cookie (signed-in users, moderators) is what a forged request
    could ride on, and their pages are their own, so they keep the token.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if session_involved(request):
            return protected(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper
