"""The moderators' workspace's own tables: commenters (opaque id, suspension), notes, appeals.

A commenter is known only by the keyed digest of their address (comments.privacy);
``Commenter`` maps it to the opaque id pages and the API show, and holds a
timed suspension. Rows are made on first need (a card, the drawer, the API).
"""

import re

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import privacy


class CommenterQuerySet(models.QuerySet):
    def register(self, digests):
        """Make sure these digests have a row, so their opaque ids resolve: one query."""
        digests = {d for d in digests if d}
        if digests:
            self.bulk_create(
                [Commenter(digest=d, public_id=privacy.commenter_id(d)) for d in digests], ignore_conflicts=True
            )

    def resolve(self, public_id):
        """The Commenter with this opaque id, or None; looks through the replies once for an unregistered id."""
        if not re.fullmatch(r"[0-9a-f]{16}", public_id or ""):
            return None
        found = self.filter(public_id=public_id).first()
        if found is not None:
            return found
        # By name: comments.models imports this module, not the other way round.
        Comment = apps.get_model("comments", "Comment")
        digests = Comment.objects.exclude(email_digest="").values_list("email_digest", flat=True).distinct()
        for digest in digests.iterator():
            if privacy.commenter_id(digest) == public_id:
                return self.get_or_create(digest=digest, defaults={"public_id": public_id})[0]
        return None

    def suspended(self, at=None):
        return self.filter(suspended_until__gt=at or timezone.now())


class Commenter(models.Model):
    digest = models.CharField(max_length=64, unique=True, editable=False)
    public_id = models.CharField(max_length=16, unique=True, editable=False)
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=300, blank=True)

    objects = CommenterQuerySet.as_manager()

    class Meta:
        verbose_name = _("commenter")

    def __str__(self):
        return _("commenter %(id)s") % {"id": self.public_id}

    @property
    def is_suspended(self):
        return bool(self.suspended_until and self.suspended_until > timezone.now())


class CommenterNote(models.Model):
    """A moderator's note about a commenter, shown in their drawer."""

    digest = models.CharField(max_length=64, db_index=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.CharField(_("note"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.text[:60]


class Appeal(models.Model):
    """An author's one appeal against a rejection; the reply went back to the queue with it."""

    comment = models.OneToOneField("comments.Comment", on_delete=models.CASCADE, related_name="appeal")
    note = models.CharField(_("your note"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return _("appeal on reply #%(id)s") % {"id": self.comment_id}
