"""Shared pieces of the benchmarks: databases, a reply corpus, bulk data, gunicorn, wrk.

Benchmarks never touch the development database: they use
bench/.data/bench.sqlite3, or the database named by BENCH_DATABASE_URL /
BENCH_POSTGRES_URL, and empty it first. Servers listen on 127.0.0.1 only.
"""

import contextlib
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
PYTHON = sys.executable
SQLITE_URL = f"sqlite:///{DATA / 'bench.sqlite3'}"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def database_url():
    return os.environ.get("BENCH_DATABASE_URL", SQLITE_URL)


def describe(url):
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


def bench_env(db_url, redis_url=None):
    """Production settings (DJANGO_DEBUG=0) made to run on plain HTTP on loopback, with
    the posting rules that would stop one client posting fast switched off.
    Logs at WARNING: no access log, so the disk is not part of the measurement."""
    ours = ("DJANGO_", "DATABASE_", "REDIS_", "COMMENTS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),  # throwaway
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_SESSION_COOKIE_SECURE="0",
        DJANGO_CSRF_COOKIE_SECURE="0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=db_url,
        COMMENTS_FLOOD_INTERVAL="0",
        COMMENTS_MIN_SUBMIT_SECONDS="0",
        COMMENTS_THROTTLE_ENABLED="0",
    )
    redis_url = redis_url if redis_url is not None else os.environ.get("BENCH_REDIS_URL", "")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def ensure_database(url):
    """Create the benchmark database if it is missing; False if its server is unreachable."""
    if not url.startswith("postgres"):
        DATA.mkdir(exist_ok=True)
        return True
    import psycopg

    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return False
    return True


def setup_django(db_url, redis_url=None):
    """Configure this process like the benchmark server; migrate and empty the database."""
    ensure_database(db_url)
    os.environ.update(bench_env(db_url, redis_url))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("flush", verbosity=0, interactive=False)
    collect_static()


def collect_static():
    """DJANGO_DEBUG=0 serves hashed files from STATIC_ROOT: collect them once."""
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT, env=bench_env(SQLITE_URL), check=True,
        )


# --- a corpus of realistic replies ------------------------------------------------

_EXTRAS = [
    "Source: https://www.example.org/news/2025/ceasefire-talks",
    "See <a href=\"https://example.com/analysis\">this analysis</a> for the numbers.",
    "<b>Exactly.</b> Nobody mentions the <em>humanitarian</em> side.",
    "> quoting the article\nand my answer below it.",
    "<blockquote>The chances are close to zero.</blockquote>\nThat says it all.",
    "Lists help:\n\n<ul><li>hostages</li><li>ceasefire</li><li>aid</li></ul>",
    "<script>alert('x')</script>Nice try.",
    "<img src=x onerror=alert(1)> broken image",
    "Read more at www.example.net/longread or mail letters@example.com",
    "Thanks for the article 👍 — very clear.",
    "«Ça suffit», dit-il. Право на ответ. حق الرد",
    "<a href=\"javascript:alert(1)\">click</a> for details",
    "<p style=\"color:red\">Shouting</p> in red.",
    "Code: <code>if peace: return</code>",
]


def reply_bodies(count, seed=6):
    """`count` replies of 60-900 characters built from the seed article's sentences,
    about a third with links, markup or hostile HTML. Deterministic."""
    text = seed_article_text()
    sentences = [s.strip() for s in re.split(r"(?<=[.!?’'])\s+", text) if 20 < len(s.strip()) < 300]
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        parts = rng.sample(sentences, rng.randint(1, 4))
        if rng.random() < 0.35:
            parts.insert(rng.randint(0, len(parts)), rng.choice(_EXTRAS))
        sep = "\n\n" if rng.random() < 0.4 else " "
        bodies.append(sep.join(parts))
    return bodies


# --- bulk data ----------------------------------------------------------------------


def add_replies(articles, count, statuses=None, *, threaded=True, seed=6):
    """Bulk-insert `count` replies spread over `articles`, as Comment.save() would store them.

    statuses: {status: share}; default all approved. About one reply in three
    answers an earlier reply on the same article (depth up to 3). Each call's
    replies are newer than the previous call's.
    """
    from django.core.management.color import no_style
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from comments import paths, privacy
    from comments.models import Comment, Status
    from comments.sanitize import render_reply

    rng = random.Random(seed)
    statuses = statuses or {Status.APPROVED: 1.0}
    choices, weights = zip(*statuses.items())
    bodies = reply_bodies(min(count, 2000), seed)
    html = {body: render_reply(body) for body in bodies}
    emails = [f"reader{i}@example.org" for i in range(max(1, count // 20))]
    digests = {email: privacy.email_digest(email) for email in emails}
    next_id = (Comment.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    start = timezone.now() - timezone.timedelta(days=30)
    latest = {}  # article id -> (id, depth, path) of a recent reply, for threading
    batch = []
    for i in range(count):
        article = articles[i % len(articles)]
        body = bodies[i % len(bodies)]
        email = emails[i % len(emails)]
        pk = next_id + i
        parent = latest.get(article.pk) if threaded and rng.random() < 0.33 else None
        depth = parent[1] + 1 if parent and parent[1] < 3 else 0
        path = paths.child_path(parent[2] if depth else "", pk)
        reply = Comment(
            id=pk, article=article, parent_id=parent[0] if depth else None, depth=depth, thread_path=path,
            name=f"Reader {i % 997}", email=email, email_digest=digests[email],
            body=body, body_html=html[body],
            status=rng.choices(choices, weights)[0], ip_address=f"10.{i % 200}.{i % 250}.{i % 254 + 1}",
            user_agent="bench", created_at=start + timezone.timedelta(seconds=pk * 2),
        )
        latest[article.pk] = (pk, depth, path)
        batch.append(reply)
        if len(batch) == 2000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    # Explicit ids leave PostgreSQL's sequence behind; later inserts must not collide.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Comment]):
            cursor.execute(sql)


def seed_article_text():
    """The seed article without its page furniture (everything from "Leave a Reply")."""
    return next((ROOT / "seeds").glob("*.txt")).read_text().split("Leave a Reply")[0]


def add_realistic_replies(articles, count, seed=6):
    """`count` replies as a busy site has them: moderated ones (88% approved, 7% rejected,
    3% spam, 1% left pending) and then the newest 10%, still pending."""
    from comments.models import Status

    older = count - count // 10
    add_replies(articles, older, {Status.APPROVED: 0.88, Status.REJECTED: 0.07, Status.SPAM: 0.03,
                                  Status.PENDING: 0.01}, seed=seed)
    add_replies(articles, count - older, {Status.PENDING: 1.0}, seed=seed + 1)


def make_articles(count, prefix="bench"):
    from articles.models import Article

    body = seed_article_text().split("\n", 1)[1].strip()
    return [
        Article.objects.create(slug=f"{prefix}-{i}", title=f"Benchmark article {i}", body=body)
        for i in range(count)
    ]


# --- timing -------------------------------------------------------------------------


def median_ms(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def table(headers, rows):
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


# --- gunicorn on loopback ------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, log_name="gunicorn", app=None):
    """The project's gunicorn.conf.py on a free loopback port; yields the base URL.
    `app` ("module:callable") serves another WSGI application with the same flags."""
    port = free_port()
    DATA.mkdir(exist_ok=True)
    log = open(DATA / f"{log_name}.log", "w")
    process = subprocess.Popen(
        [str(Path(PYTHON).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--no-control-socket", *([app] if app else [])],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def workers(env):
    import runpy

    saved = os.environ.copy()
    os.environ.update(env)
    try:
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]
    finally:
        os.environ.clear()
        os.environ.update(saved)


# --- wrk ------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * _UNITS[unit]


def wrk(url, seconds, connections=16, threads=2, headers=None):
    """requests/s, p50 and p99 in ms, and failed responses, from one bounded wrk run."""
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (make bench-page does it)")
    header_args = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
         *header_args, url],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout
    percentile = lambda p: _ms(re.search(rf"^\s+{p}%\s+(\S+)", out, re.M).group(1))  # noqa: E731
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": percentile(50),
        "p99": percentile(99),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }
