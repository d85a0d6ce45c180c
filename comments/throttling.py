"""The one rate limiter: DRF's scoped throttle, for the API and for the page's report form.

Counts live in the "limits" cache, apart from the page caches, which anonymous
requests can fill.
"""

import math
from types import SimpleNamespace

from django.core.cache import caches
from rest_framework import throttling

from . import privacy
from .conf import comment_settings
from .http import client_ip


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """DRF's scoped throttle, keyed per account or per IP, counted in the "limits" cache.

    Three changes to DRF's: the rate is read from comment_settings.RATES on
    every request (DRF copies its rates at import, out of reach of tests and
    operators); COMMENTS_THROTTLE_ENABLED=0 switches it off; and the address
    comes from comments.http.client_ip, because DRF's own get_ident() believes
    any X-Forwarded-For a client sends and would let it pick a fresh identity
    per request. The address is stored as a keyed digest, never as is.
    """

    cache = caches["limits"]

    def allow_request(self, request, view):
        if not comment_settings.THROTTLE_ENABLED:
            return True
        return super().allow_request(request, view)

    def get_rate(self):
        return comment_settings.RATES[self.scope]

    def get_ident(self, request):
        return privacy.keyed_digest("rate", str(client_ip(request)))


class PageThrottle(ScopedRateThrottle):
    """The same throttle for the site's pages, counted apart from the API's own scope of the same name."""

    cache_format = "throttle_page_%(scope)s_%(ident)s"


def throttled(request, scope):
    """Count a page's request against COMMENTS_RATES[scope]: None within the rate, else the seconds to wait."""
    throttle = PageThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
        return None
    return max(1, math.ceil(throttle.wait() or 1))
