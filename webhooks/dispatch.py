"""From a comments event to signed webhook deliveries.

Payloads follow Standard Webhooks: ``{"type", "timestamp", "data"}``. ``data``
holds what a reader or moderator may see of a reply — its public fields,
status, reasons (with any IP address or email-shaped text taken out), the
article's slug and the opaque commenter id — never an email address, its
digest, an IP address or a user agent.
"""

import json
import logging
import re

from django.utils import timezone

from comments import privacy
from comments.conf import comment_settings
from comments.models import Comment, ListEntry
from newsroom.logs import redact

from .models import TEST_EVENT

logger = logging.getLogger(__name__)

_LISTED_IP = re.compile(r"\bIP \S+")


def _reasons(comment):
    return [redact(_LISTED_IP.sub("IP address on the list", reason)) for reason in comment.reason_list]


def reply_data(comment):
    return {
        "id": comment.pk,
        "article": comment.article.slug,
        "parent": comment.parent_id,
        "name": comment.name,
        "website": comment.website,
        "body_html": comment.body_html,
        "status": comment.status,
        "reasons": _reasons(comment),
        "commenter": comment.commenter or None,
        "created_at": comment.created_at.isoformat(),
        "moderated_at": comment.moderated_at.isoformat() if comment.moderated_at else None,
        "url": comment_settings.SITE_URL + comment.article.get_absolute_url() + f"#comment-{comment.pk}",
    }


def ban_data(entry):
    return {"commenter": privacy.commenter_id(entry.value), "banned_at": entry.created_at.isoformat()}


def subjects(event, ids):
    """(subject id, data) for each reply, or each ban, of this event that still exists."""
    if event == "commenter.banned":
        return [(entry.pk, ban_data(entry)) for entry in ListEntry.objects.filter(pk__in=ids)]
    replies = Comment.objects.filter(pk__in=ids).select_related("article").order_by("pk")
    return [(comment.pk, reply_data(comment)) for comment in replies]


def body(event, data):
    return json.dumps(
        {"type": event, "timestamp": timezone.now().isoformat(), "data": data},
        ensure_ascii=False, separators=(",", ":"),
    )


def test_body(endpoint):
    return body(TEST_EVENT, {"endpoint": endpoint.pk, "message": "A test event from the newsroom's admin."})
