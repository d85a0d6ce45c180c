"""Query plans and times of the hot queries with 100,000 replies in the table.

    .venv/bin/python bench/explain.py       (or: make bench-explain)

Prints EXPLAIN for each query (PostgreSQL: EXPLAIN ANALYZE after ANALYZE) and
its median time, so a missing or unused index shows as a scan of the table.
Database: BENCH_DATABASE_URL (default bench/.data/bench.sqlite3), emptied first.
"""

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

REPLIES = 100_000


def hot_queries():
    from django.utils import timezone

    from comments import privacy
    from comments.models import Comment

    article = Comment.objects.order_by("pk").first().article
    digest = privacy.email_digest("reader7@example.org")
    since = timezone.now() - timedelta(seconds=15)
    page_columns = [
        "article_id", "parent_id", "depth", "name", "website", "body_html", "status", "created_at"
    ]
    articles_replies = Comment.objects.for_article(article)
    return {
        "article page: approved replies in thread order":
            articles_replies.public_or_own([]).only(*page_columns).in_thread_order(),
        # The hidden-ancestor rule: one hashed lookup per thread level, not a join filter.
        "article page: published reply count (public())": articles_replies.public(),
        "article page, author's own pending replies too":
            articles_replies.public_or_own([1, 2, 3]).only(*page_columns).in_thread_order(),
        "queue: pending, oldest first, first 50 (admin order)":
            Comment.objects.pending().order_by("created_at", "-pk")[:50],
        "queue: pending count (admin paginator)": Comment.objects.pending(),
        "digest: one commenter's replies (admin search)": Comment.objects.filter(email_digest=privacy.email_digest("reader7@example.org")),
        "digest: history for a page of the queue":
            Comment.objects.filter(email_digest__in=[digest]).values_list("email_digest", "status")
            .order_by(),
        "flood rule: last reply by commenter or IP":
            (Comment.objects.filter(email_digest=digest) | Comment.objects.filter(ip_address="10.7.7.8"))
            .filter(created_at__gt=since).order_by("-created_at").values_list("created_at", flat=True)[:1],
        # The rules ask exists(): no ORDER BY, LIMIT 1.
        "duplicate rule":
            Comment.objects.filter(article_id=article.pk, email_digest=digest, body="x")
            .order_by().values("pk")[:1],
        "trusted rule":
            Comment.objects.approved().filter(email_digest=digest, name__iexact="Reader 7")
            .order_by().values("pk")[:1],
        "whole table count (admin full result count)": Comment.objects.all(),
    }


def main():
    url = common.database_url()
    common.setup_django(url)
    from django.db import connection

    articles = common.make_articles(20, prefix="explain")
    common.add_realistic_replies(articles, REPLIES)
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE comments_comment")
    rows = []
    for name, queryset in hot_queries().items():
        counting = "count" in name
        run = (lambda qs=queryset: qs.count()) if counting else (lambda qs=queryset: list(qs.all()))
        ms = common.median_ms(run, runs=7)
        plan = queryset.explain(analyze=True) if postgres and not counting else queryset.explain()
        if counting and postgres:
            with connection.cursor() as cursor:
                sql, params = queryset.query.sql_with_params()
                cursor.execute(f"EXPLAIN SELECT COUNT(*) FROM ({sql}) t", params)
                plan = "\n".join(r[0] for r in cursor.fetchall())
        print(f"== {name}  ({ms:.2f} ms)\n{plan}\n")
        rows.append([name, f"{ms:.2f}"])
    print(f"{REPLIES:,} replies, {common.describe(url)}")
    common.table(["query", "median ms"], rows)


if __name__ == "__main__":
    main()
