"""Benchmark 3: reply POSTs through the HTML form at concurrency 8, on SQLite and on PostgreSQL.

    .venv/bin/python bench/posts.py         (or: make bench-post)

For each database a gunicorn (gunicorn.conf.py, DJANGO_DEBUG=0) serves
127.0.0.1; 8 threads each load the article page once, and the form's timing
image as a browser does (the shared page carries no token), then post their share of BENCH_POSTS (default 400) distinct
replies. Flood, minimum-time and rate rules are off (COMMENTS_FLOOD_INTERVAL=0,
COMMENTS_MIN_SUBMIT_SECONDS=0, COMMENTS_THROTTLE_ENABLED=0): this measures the
write path. Targets: 0 errors; every acknowledged (303) reply stored exactly once.
PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/newsroom_bench),
skipped if unreachable; its run uses BENCH_REDIS_URL as the cache when set.
"""

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

CONCURRENCY = 8


class Poster(threading.Thread):
    """One reader: loads the page, then posts replies, keeping its cookies."""

    def __init__(self, base, path, bodies, number):
        super().__init__()
        self.host, self.port = urllib.parse.urlsplit(base).netloc.split(":")
        self.path, self.bodies, self.number = path, bodies, number
        self.cookies, self.acknowledged, self.errors = {}, [], []

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection(self.host, int(self.port), timeout=60)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"http://{self.host}:{self.port}{path}",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        conn.close()
        return response, data

    def run(self):
        try:
            _, html = self.request("GET", self.path)
            stamp = re.search(r'<img class="form-stamp" src="([^"]+)"', html.decode()).group(1)
            self.request("GET", stamp)
        except Exception as error:  # noqa: BLE001 - a bench reports, it does not stop
            self.errors.append(f"page: {error!r}")
            return
        for i, body in enumerate(self.bodies):
            form = urllib.parse.urlencode({
                "name": f"Poster {self.number}",
                "email": f"poster{self.number}-{i}@example.org", "website": "", "body": body, "parent": "",
                "nickname": "",
            })
            try:
                response, _ = self.request("POST", f"{self.path}comments/", form)
            except Exception as error:  # noqa: BLE001
                self.errors.append(repr(error))
                continue
            location = response.headers.get("Location", "")
            if response.status == 303 and "#comment-" in location:
                self.acknowledged.append(int(location.rsplit("#comment-", 1)[1]))
            else:
                self.errors.append(f"HTTP {response.status}")


def run_one(url, total):
    """In a child process: this database, one server, CONCURRENCY posters; prints JSON."""
    redis = os.environ.get("BENCH_REDIS_URL", "") if url.startswith("postgres") else ""
    common.setup_django(url, redis)
    from comments.models import Comment

    (article,) = common.make_articles(1, prefix="posts")
    bodies = [f"{body} (reply {n})" for n, body in enumerate(common.reply_bodies(total, seed=3))]
    env = common.bench_env(url, redis)
    with common.gunicorn(env, f"posts-{common.describe(url).lower()}") as base:
        page = article.get_absolute_url()
        posters = [Poster(base, page, bodies[i::CONCURRENCY], i) for i in range(CONCURRENCY)]
        start = time.perf_counter()
        for poster in posters:
            poster.start()
        for poster in posters:
            poster.join()
        elapsed = time.perf_counter() - start
    acknowledged = [pk for p in posters for pk in p.acknowledged]
    errors = [e for p in posters for e in p.errors]
    stored = list(Comment.objects.filter(article=article).values_list("pk", "body"))
    print(json.dumps({
        "database": common.describe(url) + (" + Redis" if redis else ""),
        "workers": common.workers(env),
        "posted": total, "seconds": elapsed, "acknowledged": len(acknowledged), "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5], "stored": len(stored),
        "exactly_once": sorted(acknowledged) == sorted(pk for pk, _ in stored)
        and len({body for _, body in stored}) == len(stored),
    }))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        return run_one(sys.argv[2], int(os.environ.get("BENCH_POSTS", 400)))
    rows = []
    for url in (common.SQLITE_URL, common.POSTGRES_URL):
        if not common.ensure_database(url):
            rows.append([common.describe(url), "-", "-", "-", "-", "-", "-", "skipped: server unreachable"])
            continue
        out = subprocess.run(
            [common.PYTHON, __file__, "--one", url], capture_output=True, text=True, timeout=900
        )
        if out.returncode:
            sys.exit(out.stderr)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        ok = r["errors"] == 0 and r["exactly_once"] and r["stored"] == r["acknowledged"] == r["posted"]
        rows.append([r["database"], r["workers"], r["posted"], f"{r['acknowledged'] / r['seconds']:.0f}",
                     r["acknowledged"], r["stored"], r["errors"],
                     "met" if ok else f"NOT met {r['error_kinds']} exactly_once={r['exactly_once']}"])
    print(f"Reply POSTs through the form, concurrency {CONCURRENCY}, gunicorn.conf.py on 127.0.0.1")
    common.table(["database", "workers", "posted", "replies/s", "acknowledged (303)", "stored", "errors",
                  "target: 0 errors, stored = acknowledged"], rows)


if __name__ == "__main__":
    main()
