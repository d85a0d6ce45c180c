"""Replies out: every reply with its thread, status and dates, as JSON lines or WXR.

What identifies a commenter — email address, IP address, user agent, and the
moderation reasons, which may name a blocklisted address — is written only when
the operator asks for personal data: the writers name each field they write
(tests/test_allow_lists.py). Those fields are not loaded either, but that only
saves reading: a deferred field loads when accessed. Streamed: one article at a
time, its replies read from the database in chunks.
"""

import json

from django.db.models import Exists, OuterRef

from articles.models import Article

from .models import Comment

PUBLIC_FIELDS = (
    "id", "article_id", "parent_id", "depth", "thread_path", "name", "website", "body", "body_html", "status",
    "created_at", "moderated_at", "source", "source_id",
)
PERSONAL_FIELDS = ("email", "ip_address", "user_agent", "reasons")


def threads(article=None, *, personal_data=False):
    """(article, replies in thread order) for the article, or for every article with replies."""
    if article is not None:
        articles = [article]
    else:
        with_replies = Article.objects.filter(Exists(Comment.objects.filter(article=OuterRef("pk"))))
        articles = list(with_replies.order_by("published_at", "pk"))
    fields = PUBLIC_FIELDS + (PERSONAL_FIELDS if personal_data else ())
    for each in articles:
        yield each, Comment.objects.for_article(each).only(*fields).in_thread_order().iterator(chunk_size=1000)


def _iso(moment):
    return moment.isoformat() if moment else None


def json_lines(threads, *, personal_data=False):
    """One JSON object per reply."""
    for article, replies in threads:
        for reply in replies:
            record = {
                "id": reply.pk, "article": article.slug, "parent": reply.parent_id, "depth": reply.depth,
                "name": reply.name, "website": reply.website, "body": reply.body, "body_html": reply.body_html,
                "status": reply.status, "created_at": _iso(reply.created_at),
                "moderated_at": _iso(reply.moderated_at), "source": reply.source, "source_id": reply.source_id,
            }
            if personal_data:
                record.update(email=reply.email, ip_address=reply.ip_address, user_agent=reply.user_agent,
                              reasons=reply.reason_list)
            yield json.dumps(record, ensure_ascii=False)
