"""Benchmark 7: import_wordpress on a generated WXR file — replies/s and peak memory at two sizes.

    .venv/bin/python bench/imports.py       (or: make bench-import)

Writes bench/.data/import-<N>.xml for each size in BENCH_IMPORT_SIZES (default
25000,100000): articles of BENCH_IMPORT_PER_ARTICLE (default 100) comments each, a
third of them answers, 88% approved, 5% pending, 4% spam, 3% trash, 1% pingbacks
(skipped), bodies from the shared reply corpus (links, markup, hostile HTML,
non-Latin text). Each import runs in a fresh process on an emptied database with
--create-articles and reports:

* parse only: the same file through comments.wordpress.read without storing (the baseline);
* import: the command itself, replies stored per second;
* again: the second run, where every reply is already present;
* peak memory: the process's maximum resident set during the import, and what the
  import added to what Django had after start-up; and the largest of the worker
  processes that sanitise. Flat across sizes = streamed;
* CPU time per stored reply in the importing process and in its workers, and the
  load average at the end: on a shared machine wall-clock rates follow the load,
  CPU per reply much less.

SQLite (bench/.data/bench.sqlite3) always; PostgreSQL too when BENCH_POSTGRES_URL is set
(the database is emptied first). Target: >= 2,000 replies/s, memory flat in the file size.
"""

import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

STATUSES = ["1", "0", "spam", "trash"]
WEIGHTS = [88, 5, 4, 3]


def generate(path, replies, per_article, seed=7):
    """A WXR 1.2 file with `replies` comments, written as it goes."""
    rng = random.Random(seed)
    bodies = common.reply_bodies(2000, seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Bench</title>\n'
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
        )
        comment_id, article = 0, 0
        while comment_id < replies:
            article += 1
            out.write(
                f"<item><title><![CDATA[Imported article {article}]]></title>\n"
                f"<content:encoded><![CDATA[<p>Paragraph one of {article}.</p>\n\n<p>Two.</p>]]></content:encoded>\n"
                f"<wp:post_id>{article}</wp:post_id><wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt>\n"
                f"<wp:post_name><![CDATA[bench-import-{article}]]></wp:post_name>"
                "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n"
            )
            ids = []
            for _ in range(min(per_article, replies - comment_id)):
                comment_id += 1
                parent = rng.choice(ids[-10:]) if ids and rng.random() < 0.33 else 0
                kind = "pingback" if rng.random() < 0.01 else "comment"
                minute = comment_id % (60 * 24 * 28)
                out.write(
                    "<wp:comment>"
                    f"<wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Reader {comment_id % 997}]]></wp:comment_author>"
                    f"<wp:comment_author_email>reader{comment_id % 5000}@example.org</wp:comment_author_email>"
                    "<wp:comment_author_url></wp:comment_author_url>"
                    f"<wp:comment_author_IP>10.{comment_id % 200}.{comment_id % 250}.{comment_id % 254 + 1}"
                    "</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>2024-02-{minute // 1440 + 1:02d} "
                    f"{minute // 60 % 24:02d}:{minute % 60:02d}:00"
                    "</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[{bodies[comment_id % len(bodies)]}]]></wp:comment_content>"
                    f"<wp:comment_approved>{rng.choices(STATUSES, WEIGHTS)[0]}</wp:comment_approved>"
                    f"<wp:comment_type>{kind}</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent>"
                    "</wp:comment>\n"
                )
                ids.append(comment_id)
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def max_rss_mb(who=resource.RUSAGE_SELF):
    return resource.getrusage(who).ru_maxrss / 1024


def _cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def child(db_url, path):
    """In a fresh process: empty the database, then parse, import, import again."""
    common.setup_django(db_url)
    from io import StringIO

    from django.core.management import call_command

    from comments import wordpress
    from comments.models import Comment

    start = time.perf_counter()
    with open(path, "rb") as file:
        parsed = sum(len(t.replies) for t in wordpress.read(file))
    parse_seconds = time.perf_counter() - start

    before = max_rss_mb()
    cpu_before = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    call_command("import_wordpress", path, "--create-articles", stdout=StringIO())
    import_seconds = time.perf_counter() - start
    main_cpu = _cpu(resource.RUSAGE_SELF) - cpu_before[0]
    workers_cpu = _cpu(resource.RUSAGE_CHILDREN) - cpu_before[1]
    peak = max_rss_mb()
    stored = Comment.objects.count()

    start = time.perf_counter()
    call_command("import_wordpress", path, "--create-articles", stdout=StringIO())
    again_seconds = time.perf_counter() - start
    print(json.dumps({
        "parsed": parsed, "parse_s": parse_seconds, "stored": stored, "import_s": import_seconds,
        "again_s": again_seconds, "rss_before": before, "rss_peak": peak,
        "main_cpu": main_cpu, "workers_cpu": workers_cpu, "load": os.getloadavg()[0],
        "stored_again": Comment.objects.count(), "rss_workers": max_rss_mb(resource.RUSAGE_CHILDREN),
    }))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        return child(sys.argv[2], sys.argv[3])
    sizes = [int(n) for n in os.environ.get("BENCH_IMPORT_SIZES", "25000,100000").split(",")]
    per_article = int(os.environ.get("BENCH_IMPORT_PER_ARTICLE", 100))
    databases = [common.SQLITE_URL]
    if os.environ.get("BENCH_POSTGRES_URL"):
        databases.append(os.environ["BENCH_POSTGRES_URL"])
    common.DATA.mkdir(exist_ok=True)
    rows = []
    for size in sizes:
        path = common.DATA / f"import-{size}.xml"
        if not path.exists():
            generate(path, size, per_article)
        megabytes = path.stat().st_size / 1e6
        for db_url in databases:
            if not common.ensure_database(db_url):
                print(f"skipped {common.describe(db_url)}: unreachable")
                continue
            result = subprocess.run(
                [common.PYTHON, __file__, "--child", db_url, str(path)], cwd=common.ROOT,
                env=common.bench_env(db_url), capture_output=True, text=True, check=False,
            )
            if result.returncode:
                sys.exit(result.stderr)
            r = json.loads(result.stdout.strip().splitlines()[-1])
            if r["stored_again"] != r["stored"]:
                sys.exit(f"second run stored {r['stored_again'] - r['stored']} more replies")
            rows.append([
                common.describe(db_url), f"{r['parsed']:,}", f"{megabytes:.0f} MB",
                f"{r['parsed'] / r['parse_s']:,.0f}",
                f"{r['stored']:,} in {r['import_s']:.1f} s = {r['stored'] / r['import_s']:,.0f}",
                f"{r['parse_s'] / r['import_s']:.2f}x",
                f"{r['parsed'] / r['again_s']:,.0f}",
                f"{r['rss_peak']:.0f} MB (+{r['rss_peak'] - r['rss_before']:.0f})",
                f"{r['rss_workers']:.0f} MB",
                f"{r['main_cpu'] / r['stored'] * 1e6:.0f} + {r['workers_cpu'] / r['stored'] * 1e6:.0f} µs",
                f"{r['load']:.1f}",
            ])
    print(f"WXR with {per_article} comments per article; replies/s; one process per row")
    common.table(
        ["database", "comments", "file", "parse only /s", "import: stored /s", "vs parse", "again /s", "peak RSS",
         "a worker's", "CPU/reply main + workers", "load"],
        rows,
    )


if __name__ == "__main__":
    main()
