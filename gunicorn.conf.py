"""gunicorn settings for production: `gunicorn` from the project directory picks this file up.

Every value can be changed from the environment; see README "Production".
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from newsroom import logs  # noqa: E402

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Page rendering is CPU-bound, so the classic 2 x cores + 1 processes.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
# Threads, not sync workers: a client sending its body slowly holds one thread, not a
# whole process (12 of them held every sync worker while a reader waited 30 s). The
# proxy in front should buffer bodies anyway (README "Production"); this is for gunicorn run bare.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# A process whose threads are all busy stops accepting, so the next reader goes to a
# free one instead of queueing behind slow clients; with no room left for idle
# keep-alive connections, keep-alive is off, as it was with sync workers.
worker_connections = threads
keepalive = 0
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Recycle workers now and then, staggered, so a slow leak never takes them all at once.
# Not too often: a new worker imports Django and scikit-learn (triage) before it serves,
# and at 2,000 requests a busy article page recycled each worker every few seconds
# (bench/page.py: p99 1.3 s, and a third of the throughput gone).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeat files off a possibly slow container disk

# Access log (on because logconfig_dict is set; JSON lines on stderr like
# Django's): method, path (never the query string: admin searches carry
# emails), status, size, time. No referer or user agent, no client address.
access_log_format = "method=%(m)s path=%(U)s status=%(s)s bytes=%(B)s ms=%(M)s"
logconfig_dict = logs.config(
    os.environ.get("DJANGO_LOG_LEVEL", "INFO"), extra_loggers=("gunicorn.error", "gunicorn.access")
)
