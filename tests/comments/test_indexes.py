"""The hot queries are answered from the indexes made for them (query plans, not timings).

PostgreSQL chooses by table statistics, so the table gets a few thousand
replies shaped like a real one (many articles and commenters, the newest
replies pending) and fresh statistics.
"""

import pytest
from django.db import connection
from django.utils import timezone

from comments import privacy
from comments.models import Comment, Status

REPLIES = 3000


@pytest.fixture
def busy_table(make_article):
    articles = [make_article() for _ in range(10)]
    start = timezone.now() - timezone.timedelta(days=10)
    Comment.objects.bulk_create(
        Comment(
            article=articles[i % 10], name=f"Reader {i}",
            email_digest=privacy.email_digest(f"r{i % 300}@example.org"),
            body=f"Reply {i}", body_html=f"<p>Reply {i}</p>", thread_path=f"{i:010d}",
            status=Status.PENDING if i >= REPLIES * 0.9 else Status.APPROVED,
            created_at=start + timezone.timedelta(minutes=i),
        )
        for i in range(REPLIES)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE comments_comment")
    return articles


def plan(queryset):
    return queryset.explain()


def test_article_page_reads_approved_replies_in_thread_order_from_one_index(busy_table):
    assert "comment_thread" in plan(Comment.objects.for_article(busy_table[0]).approved().in_thread_order())


def test_the_queue_is_read_oldest_first_from_a_queue_index(busy_table):
    # The order the admin queue uses (Django adds -pk to make it total). SQLite
    # takes (status, created_at); PostgreSQL the smaller pending-only index.
    queue = plan(Comment.objects.pending().order_by("created_at", "-pk")[:50])
    assert "comment_pending_by_age" in queue or "comment_queue" in queue


def test_commenter_lookups_use_the_digest_index_and_the_duplicate_rule_the_ip_index(busy_table):
    assert "comment_commenter" in plan(Comment.objects.filter(email_digest=privacy.email_digest("r7@example.org")))
    duplicate = Comment.objects.filter(
        article_id=busy_table[0].pk, body="Same words", ip_address="198.51.100.7",
        created_at__gte=timezone.now() - timezone.timedelta(hours=1),
    )
    # Either index narrows it to a few rows: this IP's replies, or the last hour's.
    duplicate_plan = plan(duplicate.order_by().values("pk")[:1])
    assert "comment_ip_recent" in duplicate_plan or "created_at" in duplicate_plan
