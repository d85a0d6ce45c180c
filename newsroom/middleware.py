"""Request bodies a view should never see: refused once, with the site's usual headers.

Django parses a form body when something first reads ``request.POST``, usually
the CSRF check. When it cannot (a charset other than UTF-8, a broken multipart
body) the exception goes to the 400 view, whose own CSRF decorator reads
``request.POST`` again and raises again, and the server answers with a bare
500 and none of the security headers. Parsing up front, marking a failed parse
as Django does for broken multipart bodies, and letting Django's handler answer
gives one 400.

No endpoint takes files, and Django counts only the fields of a multipart body
against DATA_UPLOAD_MAX_MEMORY_SIZE, not its files: a 50 MB upload went through.
A form body declared larger than that limit is refused with 413 before it is read.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
TOO_LARGE = _("The request body is too large.")


def _too_large(request):
    return HttpResponse(TOO_LARGE, status=413, content_type="text/plain; charset=utf-8")


class FormBodyMiddleware:
    """Parse form bodies before the CSRF check does; refuse oversized ones with 413.

    Listed just before CsrfViewMiddleware: its process_view runs first, and what
    it answers still passes every middleware (security headers, the
    Content-Security-Policy, X-Frame-Options) on the way out. API views are left
    alone: DRF's parsers read their bodies themselves, and refuse multipart with
    415 unread. Readers' forms are parsed here even though they are exempt from
    token CSRF without a session (newsroom.cross_origin).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.content_type not in FORM_TYPES
            or request.method in ("GET", "HEAD", "OPTIONS", "TRACE")
            or getattr(view_func, "cls", None) is not None  # a DRF view: its parsers read the body
        ):
            return None
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # the server has already refused a malformed length
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and declared > limit:
            return _too_large(request)
        try:
            request.POST  # noqa: B018 (parsed now, so no error view parses it again)
        except RequestDataTooBig:
            request._mark_post_parse_error()
            return _too_large(request)
        except Exception:
            # Django's handler turns BadRequest, SuspiciousOperation and MultiPartParserError
            # into its 400 view; marked, the body is not parsed a second time.
            request._mark_post_parse_error()
            raise
        return None
