"""Benchmark: the moderators' workspace with 100,000 pending replies.

    .venv/bin/python bench/workspace.py

In-process (Django's test client, a logged-in moderator, DJANGO_DEBUG=0):
the workspace page (25 cards), one decision by POST as the page's script sends
it (row lock, status check, event, cache invalidation; rejections queue their
notice), an undo, and the stats page and API, with 100,000 pending replies among
110,000. Server time per decision: p50 and p99 of BENCH_DECISIONS (default 300)
decisions on different replies, a third each approve, reject, spam.
Database: BENCH_DATABASE_URL (default bench/.data/bench.sqlite3).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

PENDING = 100_000


def main():
    decisions = int(os.environ.get("BENCH_DECISIONS", 300))
    url = common.database_url()
    common.setup_django(url)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from comments.models import Comment, Status

    articles = common.make_articles(20, prefix="workspace")
    common.add_replies(articles, 10_000, {Status.APPROVED: 0.9, Status.REJECTED: 0.05, Status.SPAM: 0.05})
    common.add_replies(articles, PENDING, {Status.PENDING: 1.0}, seed=7)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = get_user_model().objects.create_user("bench-moderator", password="bench-password-0", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    client = Client()
    client.force_login(user)

    def page(path):
        def load():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        load()
        with CaptureQueriesContext(connection) as captured:
            load()
        return len(captured.captured_queries), common.median_ms(load, 5)

    rows = []
    for name, path in [("workspace, oldest first", "/admin/moderate/"),
                       ("workspace, newest first", "/admin/moderate/?sort=newest"),
                       ("workspace, one article", f"/admin/moderate/?article={articles[3].slug}"),
                       ("stats page, day", "/admin/moderate/stats/"),
                       ("stats API, 30 days", "/api/moderation/stats/?period=30days")]:
        queries, ms = page(path)
        rows.append([name, str(queries), f"{ms:.0f}"])

    ids = list(Comment.objects.in_queue().order_by("created_at").values_list("pk", flat=True)[:decisions])
    actions = [("approve", {}), ("reject", {"reason": "off_topic"}), ("spam", {})]
    times = []
    for i, pk in enumerate(ids):
        action, extra = actions[i % 3]
        start = time.perf_counter()
        response = client.post(f"/admin/moderate/{pk}/decide/", {"action": action, "expected": "pending", **extra},
                               HTTP_ACCEPT="application/json")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content
    times.sort()
    p50, p99 = statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]
    start = time.perf_counter()
    assert client.post("/admin/moderate/undo/", HTTP_ACCEPT="application/json").status_code == 200
    undo_ms = (time.perf_counter() - start) * 1000

    print(f"Workspace with {PENDING:,} pending replies; {common.describe(url)}; in-process, median of 5 loads")
    common.table(["page", "queries", "ms"], rows)
    print()
    common.table(
        ["decision (POST, JSON)", "p50 ms", "p99 ms", "undo ms"],
        [[f"{len(times)} decisions", f"{p50:.1f}", f"{p99:.1f}", f"{undo_ms:.1f}"]],
    )


if __name__ == "__main__":
    main()
