"""Models of the newsroom's own voices on the page: staff titles and readers' recommendations.

Kept apart from comments/models.py (which imports them at its end) so the
reply model stays about replies; the logic lives in staff.py and recommend.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaffProfile(models.Model):
    """The title a staff member's replies carry ("Reporter", "Science editor"); "Staff" without one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    title = models.CharField(_("title"), max_length=60, blank=True,
                             help_text=_("Shown next to their replies, e.g. \"Reporter\". Empty: \"Staff\"."))

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"{self.user} ({self.title or _('Staff')})"


class Recommendation(models.Model):
    """One reader's recommendation of one published reply.

    `voter` is a keyed digest of the account, or of the browser's random id; an
    anonymous reader's IP address is kept only as a keyed digest, one recommendation
    per reply from each (a signed-in reader's row has none).
    """

    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="recommendations")
    voter = models.CharField(max_length=64, editable=False)
    ip_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "voter"], name="one_recommendation_per_reader"),
            models.UniqueConstraint(
                fields=["comment", "ip_digest"], condition=~Q(ip_digest=""), name="one_recommendation_per_address"
            ),
        ]

    def __str__(self):
        return f"recommendation of #{self.comment_id}"
