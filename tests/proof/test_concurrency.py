"""Many readers at once against a live server: every acknowledged reply is stored exactly once."""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from comments.models import Comment, ModerationEvent, Status
from tests.proof.browserless import Reader

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

THREADS = 16
REPLIES_PER_THREAD = 12


@pytest.fixture
def unthrottled(settings):
    settings.COMMENTS_THROTTLE_ENABLED = False


def test_concurrent_posters_lose_nothing(live_server, make_article, unthrottled):
    article = make_article()
    acknowledged, failures = [], []
    lock = threading.Lock()

    def reader(n):
        """Even readers use the page's form, odd ones the API."""
        client = Reader(live_server.url)
        status, _ = client.open_article(article.get_absolute_url())
        assert status == 200
        for i in range(REPLIES_PER_THREAD):
            body = f"reply {n}-{i}"
            fields = {"name": f"Reader {n}", "email": f"reader{n}@example.org", "body": body}
            if n % 2:
                status, _, content = client.post_json(f"/api/articles/{article.slug}/comments/", fields)
                pk = json.loads(content)["id"] if status == 201 else None
            else:
                status, headers, content = client.post_reply(article.slug, **fields)
                pk = int(re.search(r"#comment-(\d+)$", headers["Location"])[1]) if status == 303 else None
            with lock:
                if pk:
                    acknowledged.append((pk, body))
                else:
                    failures.append((status, content[:300]))

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(reader, range(THREADS)))

    assert failures == []
    sent = THREADS * REPLIES_PER_THREAD
    stored = dict(Comment.objects.filter(article=article).values_list("pk", "body"))
    assert len(acknowledged) == sent
    assert dict(acknowledged) == stored  # each acknowledged reply stored, once, with its own text
    print(f"\n{connection.vendor}: {sent} posts (form and API), {len(acknowledged)} acknowledged, "
          f"{len(stored)} stored, 0 errors")


def test_concurrent_moderation_leaves_one_consistent_history(make_comment, make_user):
    approver = make_user("comments.moderate_comment")
    spammer = make_user("comments.moderate_comment")
    replies = [make_comment(status=Status.PENDING) for _ in range(40)]
    ids = [r.pk for r in replies]
    barrier = threading.Barrier(2)

    def act(verb, user):
        close_old_connections()
        try:
            barrier.wait()
            return getattr(Comment.objects.filter(pk__in=ids), verb)(by=user)
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        changed = list(pool.map(act, ["approve", "mark_spam"], [approver, spammer]))

    final = dict(Comment.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert len(set(final.values())) == 1  # one moderator's action won, for every reply
    events = ModerationEvent.objects.filter(comment_id__in=ids).order_by("comment_id", "created_at", "pk")
    assert events.count() == sum(changed)
    by_reply = {}
    for event in events:
        by_reply.setdefault(event.comment_id, []).append(event)
    for pk, history in by_reply.items():
        assert history[0].from_status == Status.PENDING
        for before, after in zip(history, history[1:], strict=False):
            assert before.to_status == after.from_status
        assert history[-1].to_status == final[pk]
