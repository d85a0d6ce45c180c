"""Benchmark 5: the moderation queue and reply list in the admin with 100,000 replies.

    .venv/bin/python bench/admin.py         (or: make bench-admin)

In-process (Django's test client, a logged-in superuser, DJANGO_DEBUG=0),
against whatever comments/admin.py is present. Each page is loaded first with
1,000 replies in the table (the baseline), then with 100,000 (20 articles;
older replies moderated, the newest 10% pending, as add_realistic_replies
makes them): queries per load, how many
of them COUNT(*), median time of BENCH_ADMIN_RUNS loads (default 5).
Target: time and queries do not grow with the table.
Database: BENCH_DATABASE_URL (default bench/.data/bench.sqlite3).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

SIZES = (1_000, 100_000)
PAGES = {
    "queue, first page": "/admin/comments/moderationqueue/",
    "queue, middle page": "/admin/comments/moderationqueue/?p={middle}",
    "all replies": "/admin/comments/comment/",
    "replies, status=pending": "/admin/comments/comment/?status__exact=pending",
    "replies, search by email": "/admin/comments/comment/?q=reader7%40example.org",
}


def main():
    runs = int(os.environ.get("BENCH_ADMIN_RUNS", 5))
    url = common.database_url()
    common.setup_django(url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from comments.models import Comment

    articles = common.make_articles(20, prefix="admin")
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("bench", password="bench-password-0"))
    results = {}
    for size in SIZES:
        Comment.objects.all().delete()
        common.add_realistic_replies(articles, size)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE comments_comment")
        middle = max(1, Comment.objects.pending().count() // 100)  # 50 a page
        for name, page in PAGES.items():
            page = page.format(middle=middle)

            def load(page=page):
                response = client.get(page)
                assert response.status_code == 200, (page, response.status_code)

            load()  # warm
            with CaptureQueriesContext(connection) as captured:
                load()
            queries = list(captured.captured_queries)  # before the next request resets the log
            counts = sum(1 for q in queries if "COUNT(" in q["sql"].upper())
            results[name, size] = (len(queries), counts, common.median_ms(load, runs))

    print(f"Admin with 1,000 and 100,000 replies; {common.describe(url)}; median of {runs} loads, in-process")
    small, big = SIZES
    rows = []
    for name in PAGES:
        (q1, c1, t1), (q2, c2, t2) = results[name, small], results[name, big]
        rows.append([name, f"{q1} ({c1})", f"{t1:.0f}", f"{q2} ({c2})", f"{t2:.0f}", f"{t2 / t1:.1f}x"])
    common.table(
        ["page", "queries (COUNT) 1k", "ms 1k", "queries (COUNT) 100k", "ms 100k", "time 100k / 1k"], rows
    )


if __name__ == "__main__":
    main()
