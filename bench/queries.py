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
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def main():
    url = common.database_url()
    common.setup_django(url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from comments.page_cache import pages_changed

    client = Client()
    rows, baseline = [], {}
    for size in SIZES:
        (article,) = common.make_articles(1, prefix=f"queries-{size}")
        common.add_replies([article], size)
        pages_changed([article.pk])  # bulk inserts skip save()

        path = article.get_absolute_url()

        def load(path=path):
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            return response

        def rendered():
            with override_settings(CACHES=NO_CACHE):  # every request renders the page
                return load()

        shown = load().content.decode().count('id="comment-')
        counts = {}
        for name, fetch in (("rendered", rendered), ("cached", load)):
            fetch()
            with CaptureQueriesContext(connection) as captured:
                fetch()
            counts[name] = len(captured)
        times = {name: common.median_ms(fetch, runs=30 if size < 1000 else 10)
                 for name, fetch in (("rendered", rendered), ("cached", load))}
        baseline = baseline or times
        rows.append([size, shown, counts["rendered"], counts["cached"], f"{times['rendered']:.1f}",
                     f"{times['cached']:.1f}", f"{times['cached'] / baseline['cached']:.1f}x"])
    print(f"Article page (first page of replies), {common.describe(url)}, in-process, DJANGO_DEBUG=0, "
          "database cache")
    common.table(["approved replies", "shown on page", "queries rendered", "queries cached", "ms rendered",
                  "ms cached", "cached time vs 0 replies"], rows)
    counts = {(row[2], row[3]) for row in rows}
    verdict = "met" if len(counts) == 1 else "NOT met"
    print(f"target: same query count at every size -> {verdict} (rendered, cached: {sorted(counts)})")


if __name__ == "__main__":
    main()
