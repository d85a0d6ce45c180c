"""Stored versions of the triage model (comments/triage.py trains, loads and scores them)."""

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TriageModelQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class TriageModel(models.Model):
    """One trained version: the skops bytes, their keyed checksum, and what cross-validation measured.

    The bytes hold hashed feature weights and the vectorisers' settings only:
    no reply text, name, email, IP address or user agent (tests/comments/test_triage.py checks).
    """

    class Trigger(models.TextChoices):
        COMMAND = "command", _("manage.py train_triage")
        DECISIONS = "decisions", _("new moderator decisions")
        NIGHTLY = "nightly", _("nightly retraining")

    created_at = models.DateTimeField(_("trained at"), default=timezone.now)
    trigger = models.CharField(_("trained by"), max_length=20, choices=Trigger.choices)
    is_active = models.BooleanField(pgettext_lazy("triage model", "active"), default=False)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    decisions = models.PositiveIntegerField(_("decisions learnt from"))
    spam_at = models.FloatField(_("spam at"), help_text=_("Chosen by training; COMMENTS_TRIAGE_SPAM_AT overrides."))
    hold_at = models.FloatField(_("hold at"), help_text=_("Chosen by training; COMMENTS_TRIAGE_HOLD_AT overrides."))
    metrics = models.JSONField(_("metrics"), default=dict, editable=False)
    data = models.BinaryField(editable=False)
    # Keyed HMAC-SHA256 of `data`: bytes changed in the database without the site's key are refused.
    checksum = models.CharField(max_length=64, editable=False)

    objects = TriageModelQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_triage_model")
        ]
        permissions = [("rollback_triagemodel", _("Can roll back the triage model"))]

    def __str__(self):
        return _("triage model v%(version)s") % {"version": self.pk}

    @property
    def version(self):
        return self.pk

    def activate(self):
        """Make this the model every new reply is scored with (the previous one stays, for rollback)."""
        with transaction.atomic():
            TriageModel.objects.active().exclude(pk=self.pk).update(is_active=False)
            self.is_active, self.activated_at = True, timezone.now()
            self.save(update_fields=["is_active", "activated_at"])

    def previous(self):
        return TriageModel.objects.filter(pk__lt=self.pk).order_by("-pk").first()
