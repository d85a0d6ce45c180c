"""What every endpoint under /api/ shares: its JSON parser, JSON errors for bodies
Django refuses, and the error responses the OpenAPI document describes."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, parsers, serializers, views


class JSONParser(parsers.JSONParser):
    """DRF's parser, answering JSON nested past Python's recursion limit with a 400.

    The json module raises RecursionError for such a body (about 1,000 levels),
    which DRF does not take for a parse error: a 500 from a 20 KB request.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON parse error - the document is nested too deeply.")) from None


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def exception_handler(exc, context):
    """DRF's handler, which also answers Django's refusals of oversized bodies.

    DRF reads the body through Django, which raises these for a body past
    DATA_UPLOAD_MAX_MEMORY_SIZE or DATA_UPLOAD_MAX_NUMBER_FIELDS; left alone they
    become Django's HTML error page instead of DRF's JSON.
    """
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, TooManyFieldsSent):
        exc = exceptions.ParseError(
            _("Too many form fields (at most %(limit)d).") % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
        )
    return views.exception_handler(exc, context)


# --- The document: error responses and parameters shared by the endpoints -----------------


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


_FIELD_ERRORS = {
    "type": "object",
    "description": "Messages per field (a list, or an object of them for list items); "
    "`non_field_errors` for the request as a whole; `detail` for a body that cannot be parsed.",
    "additionalProperties": True,
    "example": {"body": ["This field is required."], "website": ["Enter a valid URL."]},
}
_ERRORS = {
    400: OpenApiResponse(_FIELD_ERRORS, "Bad input: nothing was stored or changed."),
    401: OpenApiResponse(
        DetailSerializer, "No credentials, or bad ones: send `Authorization: Token <key>` or a session cookie."
    ),
    403: OpenApiResponse(DetailSerializer, "Not allowed."),
    404: OpenApiResponse(DetailSerializer, "No such article, reply or page."),
    413: OpenApiResponse(DetailSerializer, "The body is larger than the server takes."),
    415: OpenApiResponse(DetailSerializer, "The body is neither JSON nor form data."),
    429: OpenApiResponse(DetailSerializer, "Too many requests: wait the seconds `Retry-After` gives."),
}

SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The article's slug.")
REPLY_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The reply's id.")
RETRY_AFTER = OpenApiParameter(
    "Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, response=[429],
    description="Seconds to wait before trying again.",
)


def errors(*codes, **described):
    """The standard error responses for these status codes; a keyword such as `e403="…"` rewords one."""
    responses = {code: _ERRORS[code] for code in codes}
    for key, description in described.items():
        code = int(key.removeprefix("e"))
        responses[code] = OpenApiResponse(_ERRORS[code].response, description)
    return responses
