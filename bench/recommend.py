"""Benchmark: the article page while readers recommend its replies, against the bare Django ceiling.

    .venv/bin/python bench/recommend.py          (or: make bench-recommend)

As bench/page.py (the same article of 500 replies, the same gunicorn, wrk and bare
view), with a stream of BENCH_RECOMMEND_RATE (default 20) recommendations a second
from as many addresses as clicks, POSTed beside wrk the whole run, each to a random
reply. A recommendation does not replace the article's page version itself: the
first read COMMENTS_RECOMMEND_REFRESH_SECONDS (default 10) after the version does
(comments.recommend). The table says how many different pages (ETags) a reader saw
during each run, i.e. how often the page was rendered again. Target: the first
page under the stream >= 80% of the bare view, as the quiet page's target in
bench/page.py. For contrast, a run with the refresh at 0 s: every click replaces
the page, as a naive count would.
"""

import os
import random
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

REPLIES = 500
BARE = "bare startproject hello view"
QUIET = f"article of {REPLIES} replies, first page, no recommendations"
STREAM = "first page, {rate}/s recommendations, refresh {refresh} s"
RECOMMENDED = "Most recommended order, {rate}/s recommendations, refresh {refresh} s"
ACCEPT = {"Accept-Encoding": "gzip, br"}
TARGET = 0.80


class Stream:
    """Recommendations at `rate` a second, from distinct addresses, until stopped; watches the page's ETag."""

    CLIENTS = 4  # concurrent recommenders, so a slow answer does not lower the rate

    def __init__(self, base, reply_ids, rate, page_url):
        self.base, self.reply_ids, self.rate, self.page_url = base, reply_ids, rate, page_url
        self.sent = self.failed = 0
        self.etags = set()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.recommend, args=(n,)) for n in range(self.CLIENTS)]
        self.threads.append(threading.Thread(target=self.watch))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def recommend(self, client):
        n = 0
        rate = self.rate / self.CLIENTS
        start = time.monotonic()
        while not self.stop.is_set():
            n += 1
            address = f"10.{client}.{n // 256 % 256}.{n % 256}"
            request = urllib.request.Request(
                f"{self.base}/comments/{random.choice(self.reply_ids)}/recommend/", data=b"", method="POST",
                headers={"Accept": "application/json", "Sec-Fetch-Site": "same-origin", "X-Forwarded-For": address},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
                self.sent += 1
            except OSError:
                self.failed += 1
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                self.stop.wait(delay)

    def watch(self):
        while not self.stop.wait(0.25):
            request = urllib.request.Request(self.page_url, headers=ACCEPT)
            with urllib.request.urlopen(request, timeout=10) as response:
                self.etags.add(response.headers.get("ETag"))


def main():
    seconds = int(os.environ.get("BENCH_SECONDS", 10))
    rounds = int(os.environ.get("BENCH_ROUNDS", 2))
    rate = int(os.environ.get("BENCH_RECOMMEND_RATE", 20))
    url = common.database_url()
    common.setup_django(url)
    (article,) = common.make_articles(1, prefix="recommend")
    common.add_replies([article], REPLIES)
    from comments.models import Comment
    from comments.page_cache import pages_changed

    pages_changed([article.pk])  # bulk inserts skip save(); a cache left by an earlier run must go
    reply_ids = list(Comment.objects.filter(article=article).public().values_list("pk", flat=True))
    results, renders = {}, {}
    with common.gunicorn(common.bench_env(url), "recommend-bare", app="bench.bare_wsgi:application") as bare_base:
        for refresh in ("10", "0"):
            env = common.bench_env(url)
            env.update(COMMENTS_TRUST_X_FORWARDED_FOR="1", COMMENTS_RECOMMEND_REFRESH_SECONDS=refresh)
            with common.gunicorn(env, "recommend") as base:
                page = base + article.get_absolute_url()
                runs = {STREAM.format(rate=rate, refresh=refresh): (page, True)}
                if refresh == "10":
                    runs = {BARE: (bare_base + "/", False), QUIET: (page, False), **runs,
                            RECOMMENDED.format(rate=rate, refresh=refresh): (f"{page}?sort=recommended", True)}
                for _ in range(rounds):
                    for name, (target, streaming) in runs.items():
                        common.wrk(target, 2, headers=ACCEPT)  # warm-up: workers loaded, cache filled
                        if streaming:
                            with Stream(base, reply_ids, rate, target) as stream:
                                run = common.wrk(target, seconds, headers=ACCEPT)
                            run["recommendations"] = f"{stream.sent} ({stream.failed} failed)"
                            run["pages"] = len(stream.etags)
                        else:
                            run = common.wrk(target, seconds, headers=ACCEPT)
                        if name not in results or run["rps"] > results[name]["rps"]:
                            results[name] = run

    backend = "Redis" if "REDIS_URL" in common.bench_env(url) else "database cache"
    print(f"gunicorn.conf.py ({common.workers(common.bench_env(url))} gthread workers), wrk -t2 -c16 "
          f"-d{seconds}s, best of {rounds}, Accept-Encoding: gzip, br; {common.describe(url)}, {backend}")
    bare = results[BARE]["rps"]
    common.table(
        ["page", "requests/s", "p50 ms", "p99 ms", "errors", "recommendations sent", "pages seen", "vs bare view"],
        [[name, f"{r['rps']:.0f}", f"{r['p50']:.1f}", f"{r['p99']:.1f}", r["errors"], r.get("recommendations", "–"),
          r.get("pages", "–"), f"{r['rps'] / bare:.1%}"] for name, r in results.items()],
    )
    name = STREAM.format(rate=rate, refresh=10)
    ratio = results[name]["rps"] / bare
    print(f"target: {name} >= {TARGET:.0%} of the bare view -> {'met' if ratio >= TARGET else 'NOT met'} ({ratio:.1%})")


if __name__ == "__main__":
    main()
