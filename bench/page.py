"""Benchmark 2: the article page with 500 approved replies against a bare Django view.

    .venv/bin/python bench/page.py          (or: make bench-page)

Both URLs are served by one gunicorn started with the project's
gunicorn.conf.py on 127.0.0.1 (DJANGO_DEBUG=0, plain HTTP), the bare view
being a fixed 2 KB page at /bench/bare/ (bench/urls.py). wrk, 16 connections,
BENCH_SECONDS (default 10) per run after a 2 s warm-up, BENCH_ROUNDS (default
2) alternating rounds; the best round of each is kept.
Target: article page >= 50% of the bare view's requests/s.
Database: BENCH_DATABASE_URL (default bench/.data/bench.sqlite3); cache:
BENCH_REDIS_URL (default the database cache).
"""

import os
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

REPLIES = 500
TARGET = 0.50


LAYOUTS = {
    # COMMENTS_PER_PAGE for the run: the product's default pages 50 threads at a time.
    f"article, all {REPLIES} replies on one page": str(REPLIES),
    f"article of {REPLIES} replies, first page (default 50 threads)": "",
}


def main():
    seconds = int(os.environ.get("BENCH_SECONDS", 10))
    rounds = int(os.environ.get("BENCH_ROUNDS", 2))
    url = common.database_url()
    common.setup_django(url)
    (article,) = common.make_articles(1, prefix="page")
    common.add_replies([article], REPLIES)
    from comments.threads import pages_changed

    pages_changed([article.pk])  # bulk inserts skip save(); a cache left by an earlier run must go
    results, sizes = {}, {}
    for layout, per_page in LAYOUTS.items():
        env = common.bench_env(url)
        if per_page:
            env["COMMENTS_PER_PAGE"] = per_page
        with common.gunicorn(env, "page") as base:
            pages = {"bare view (2 KB)": f"{base}/bench/bare/", layout: base + article.get_absolute_url()}
            html = urllib.request.urlopen(pages[layout]).read().decode()
            if per_page:
                assert html.count('id="comment-') == REPLIES, "the article page does not show every reply"
            sizes[layout] = len(html.encode()) // 1024
            for _ in range(rounds):
                for name, page in pages.items():
                    common.wrk(page, 2)  # warm-up: workers loaded, templates compiled, cache filled
                    run = common.wrk(page, seconds)
                    if name not in results or run["rps"] > results[name]["rps"]:
                        results[name] = run

    backend = "Redis" if "REDIS_URL" in env else "database cache"
    print(f"gunicorn.conf.py ({common.workers(env)} gthread workers), wrk -t2 -c16 -d{seconds}s, best of {rounds}; "
          f"{common.describe(url)}, {backend}; page sizes: "
          + ", ".join(f"{name}: {kb} KB" for name, kb in sizes.items()))
    bare = results["bare view (2 KB)"]["rps"]
    common.table(
        ["page", "requests/s", "p50 ms", "p99 ms", "requests", "errors", "vs bare view"],
        [[name, f"{r['rps']:.0f}", f"{r['p50']:.1f}", f"{r['p99']:.1f}", r["requests"], r["errors"],
          f"{r['rps'] / bare:.1%}"] for name, r in results.items()],
    )
    for layout in LAYOUTS:
        ratio = results[layout]["rps"] / bare
        verdict = "met" if ratio >= TARGET else "NOT met"
        print(f"target: {layout} >= {TARGET:.0%} of the bare view -> {verdict} ({ratio:.1%})")


if __name__ == "__main__":
    main()
