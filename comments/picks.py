"""Editors' picks: holders of "Can pick replies" mark the best published replies.

`pick` and `unpick` are the one way to do it, for the admin action, the API and the
moderators' workspace alike: each change is a ModerationEvent (to_status "picked" or
"unpicked", the reply's status staying what it was) and replaces the article's page
version, as every change readers see does.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .models import Comment, ModerationEvent, Status
from .page_cache import pages_changed_on_commit

PERMISSION = "comments.pick_comment"
PICKED, UNPICKED = "picked", "unpicked"  # ModerationEvent.to_status of a pick and an unpick


def may_pick(user):
    return user.is_authenticated and user.is_active and user.has_perm(PERMISSION)


def pick(replies, *, by):
    """Mark these approved replies as editors' picks; returns how many changed (others are left alone)."""
    return _set(replies.filter(status=Status.APPROVED, picked_at__isnull=True), timezone.now(), PICKED, by)


def unpick(replies, *, by):
    """Take these replies out of the editors' picks; returns how many changed."""
    return _set(replies.filter(picked_at__isnull=False), None, UNPICKED, by)


def _set(replies, picked_at, event, by):
    with transaction.atomic():
        changing = list(replies.select_for_update().values_list("pk", "status", "article_id"))
        if not changing:
            return 0
        now = timezone.now()
        reason = str(_("Editors' pick") if picked_at else _("No longer an editors' pick"))
        Comment.objects.filter(pk__in=[row[0] for row in changing]).update(picked_at=picked_at)
        ModerationEvent.objects.bulk_create(
            ModerationEvent(comment_id=pk, actor=by, from_status=status, to_status=event, created_at=now, reason=reason)
            for pk, status, article_id in changing
        )
        pages_changed_on_commit({row[2] for row in changing})
    return len(changing)


class CanPick(BasePermission):
    """DRF: holders of comments.pick_comment."""

    message = _("You do not have permission to pick replies.")

    def has_permission(self, request, view):
        return request.user.has_perm(PERMISSION)
