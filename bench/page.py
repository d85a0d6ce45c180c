"""Benchmark 2: the article page with 500 approved replies against the bare Django ceiling.

    .venv/bin/python bench/page.py          (or: make bench-page)

The baseline is the startproject "hello" view (bench/bare_settings.py: startproject's
apps and middleware, nothing of ours), served by a gunicorn with exactly the same
flags (the project's gunicorn.conf.py) on 127.0.0.1. The project's own gunicorn
(DJANGO_DEBUG=0, plain HTTP) serves a fixed 2 KB page through the project's
middleware (bench/urls.py, a second reference line) and the article. Every request
sends `Accept-Encoding: gzip, br`, as browsers do; the conditional GET also sends
the ETag the page came with, as a browser or a CDN revalidating it does.
wrk, 16 connections, BENCH_SECONDS (default 10) per run after a 2 s warm-up,
BENCH_ROUNDS (default 2) alternating rounds; the best round of each is kept.
Targets, as a share of the bare view's requests/s: the first page (default
pagination) >= 80%, all 500 on one page >= 40%, the 304 >= 90%.
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
BARE = "bare startproject hello view"
OWN_2KB = "project middleware, fixed 2 KB view"
FIRST_PAGE = f"article of {REPLIES} replies, first page (default 50 threads)"
ONE_PAGE = f"article, all {REPLIES} replies on one page"
NOT_MODIFIED = f"{FIRST_PAGE}, conditional GET (304)"
TARGETS = {FIRST_PAGE: 0.80, ONE_PAGE: 0.40, NOT_MODIFIED: 0.90}
ACCEPT = {"Accept-Encoding": "gzip, br"}

LAYOUTS = {
    # COMMENTS_PER_PAGE for the run: the product's default pages 50 threads at a time.
    FIRST_PAGE: "",
    ONE_PAGE: str(REPLIES),
}


def fetch(url, headers):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        return response.read(), dict(response.headers)


def main():
    seconds = int(os.environ.get("BENCH_SECONDS", 10))
    rounds = int(os.environ.get("BENCH_ROUNDS", 2))
    url = common.database_url()
    common.setup_django(url)
    (article,) = common.make_articles(1, prefix="page")
    common.add_replies([article], REPLIES)
    from comments.page_cache import pages_changed

    pages_changed([article.pk])  # bulk inserts skip save(); a cache left by an earlier run must go
    results, sizes = {}, {}
    env = common.bench_env(url)
    with common.gunicorn(env, "page-bare", app="bench.bare_wsgi:application") as bare_base:
        for layout, per_page in LAYOUTS.items():
            env = common.bench_env(url)
            if per_page:
                env["COMMENTS_PER_PAGE"] = per_page
            with common.gunicorn(env, "page") as base:
                article_url = base + article.get_absolute_url()
                html, _ = fetch(article_url, {})
                if per_page:
                    assert html.decode().count('id="comment-') == REPLIES, "the article page does not show every reply"
                body, headers = fetch(article_url, ACCEPT)
                assert headers.get("Content-Encoding") == "br", headers
                sizes[layout] = f"{len(html) // 1024} KB ({len(body) // 1024} KB br)"
                runs = {layout: (article_url, ACCEPT)}
                if layout == FIRST_PAGE:
                    runs = {BARE: (bare_base + "/", ACCEPT), OWN_2KB: (f"{base}/bench/bare/", ACCEPT), **runs,
                            NOT_MODIFIED: (article_url, {**ACCEPT, "If-None-Match": headers["ETag"]})}
                for _ in range(rounds):
                    for name, (page, request_headers) in runs.items():
                        common.wrk(page, 2, headers=request_headers)  # warm-up: workers loaded, cache filled
                        run = common.wrk(page, seconds, headers=request_headers)
                        if name not in results or run["rps"] > results[name]["rps"]:
                            results[name] = run

    backend = "Redis" if "REDIS_URL" in env else "database cache"
    print(f"gunicorn.conf.py ({common.workers(env)} gthread workers), wrk -t2 -c16 -d{seconds}s, best of {rounds}, "
          f"Accept-Encoding: gzip, br; {common.describe(url)}, {backend}; article page sizes: "
          + ", ".join(f"{name}: {size}" for name, size in sizes.items()))
    bare = results[BARE]["rps"]
    common.table(
        ["page", "requests/s", "p50 ms", "p99 ms", "requests", "errors", "vs bare view"],
        [[name, f"{r['rps']:.0f}", f"{r['p50']:.1f}", f"{r['p99']:.1f}", r["requests"], r["errors"],
          f"{r['rps'] / bare:.1%}"] for name, r in results.items()],
    )
    for name, target in TARGETS.items():
        ratio = results[name]["rps"] / bare
        verdict = "met" if ratio >= target else "NOT met"
        print(f"target: {name} >= {target:.0%} of the bare view -> {verdict} ({ratio:.1%})")


if __name__ == "__main__":
    main()
