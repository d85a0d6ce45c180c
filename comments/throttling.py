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

    # Counted apart from the page caches, which anonymous requests can fill.
    cache = caches["limits"]

    def allow_request(self, request, view):
        if not comment_settings.THROTTLE_ENABLED:
            return True
        return super().allow_request(request, view)

    def get_rate(self):
        return comment_settings.RATES[self.scope]

    def get_ident(self, request):
        return privacy.keyed_digest("rate", str(client_ip(request)))
