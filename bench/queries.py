"""Benchmark 1: SQL queries (and render time) of the article page at 0 / 100 / 1,000 approved replies.

    .venv/bin/python bench/queries.py        (or: make bench-queries)

Target: the same number of queries whatever the reply count. In-process
(Django's test client), DJANGO_DEBUG=0; the database is BENCH_DATABASE_URL
or bench/.data/bench.sqlite3, emptied first.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

SIZES = (0, 100, 1000)


def main():
    url = common.database_url()
    common.setup_django(url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rows = []
    baseline = None
    for size in SIZES:
        (article,) = common.make_articles(1, prefix=f"queries-{size}")
        common.add_replies([article], size)
        page = article.get_absolute_url()

        def load():
            response = client.get(page)
            assert response.status_code == 200, response.status_code
            return response

        html = load().content.decode()
        shown = html.count('id="comment-')
        with CaptureQueriesContext(connection) as captured:
            load()
        queries = len(captured)  # now: the next request resets the connection's query log
        ms = common.median_ms(load, runs=30 if size < 1000 else 10)
        baseline = baseline or ms
        rows.append([size, shown, queries, f"{ms:.1f}", f"{ms / baseline:.1f}x"])
    print(f"Article page, {common.describe(url)}, in-process, DJANGO_DEBUG=0")
    common.table(["approved replies", "shown on page", "queries", "median ms", "time vs 0 replies"], rows)
    counts = {row[2] for row in rows}
    verdict = "met" if len(counts) == 1 else "NOT met"
    print(f"target: same query count at every size -> {verdict} ({sorted(counts)})")


if __name__ == "__main__":
    main()
