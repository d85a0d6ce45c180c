"""GET /healthz for load balancers: can this process reach the database and the cache?"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_ok():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_ok():
    # A round trip, not just a read: a read of a missing key "succeeds" on a
    # cache that silently drops writes.
    key, value = "healthz", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    return cache.get(key) == value


CHECKS = {"database": database_ok, "cache": cache_ok}


@never_cache
@require_safe
def healthz(request):
    """200 {"database": "ok", "cache": "ok"}, or 503 with "failed" against what failed."""
    report = {}
    for name, check in CHECKS.items():
        try:
            report[name] = "ok" if check() else "failed"
        except Exception:  # any failure is an answer here, not a 500
            logger.exception("health check %s failed", name)
            report[name] = "failed"
    healthy = all(state == "ok" for state in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
