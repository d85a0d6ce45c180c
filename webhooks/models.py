import base64
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import net
from .conf import webhook_settings

EVENTS = [
    ("reply.created", _("A reply was posted (any status)")),
    ("reply.held", _("A reply entered the moderation queue")),
    ("reply.approved", _("A reply was approved")),
    ("reply.rejected", _("A reply was rejected")),
    ("reply.spam", _("A reply was marked as spam")),
    ("reply.reported", _("Readers' reports sent a reply back to the queue")),
    ("commenter.banned", _("A commenter was banned")),
]
TEST_EVENT = "webhook.test"


def new_secret():
    """A Standard Webhooks secret: "whsec_" and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def validate_secret(value):
    try:
        key = base64.b64decode(value.removeprefix("whsec_"), validate=True)
    except ValueError:
        key = b""
    if len(key) < 24 or len(key) > 64:
        raise ValidationError(_('Use "whsec_" followed by 24 to 64 random bytes in base64.'))


def validate_public_url(value):
    try:
        net.resolve(value)
    except net.UnsafeURL as exc:
        raise ValidationError(str(exc)) from None


class Endpoint(models.Model):
    """A receiver of our events, configured by an administrator."""

    url = models.URLField(_("URL"), max_length=500, validators=[validate_public_url])
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(
        _("signing secret"), max_length=100, default=new_secret, validators=[validate_secret],
        help_text=_("Give it to the receiver: it verifies the webhook-signature header with it."),
    )
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Attempts that failed in a row, and since when; any success resets both.
    failure_count = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(_("disabled automatically at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        permissions = [("manage_webhooks", _("Can manage webhooks and see their deliveries"))]

    def __str__(self):
        return self.description or self.host

    @property
    def host(self):
        """Scheme and host only: a URL's path and query often carry a token of their own."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"

    def attempt_succeeded(self):
        if self.failure_count:
            Endpoint.objects.filter(pk=self.pk).update(failure_count=0, failing_since=None)

    def attempt_failed(self):
        """Count a failed attempt; switch the endpoint off after a long run of them. True if it was switched off."""
        now = timezone.now()
        Endpoint.objects.filter(pk=self.pk).update(
            failure_count=F("failure_count") + 1, failing_since=Coalesce("failing_since", now)
        )
        self.refresh_from_db(fields=["failure_count", "failing_since", "active"])
        many = self.failure_count >= webhook_settings.DISABLE_AFTER_FAILURES
        if many and self.failing_since <= now - timedelta(hours=webhook_settings.DISABLE_AFTER_HOURS):
            return self.disable()
        return False

    def disable(self):
        """Switch off for good (until an administrator ticks "active" again); True if it was on.
        The caller tells the moderators (webhooks.tasks.endpoint_failed)."""
        if not Endpoint.objects.filter(pk=self.pk, active=True).update(active=False, disabled_at=timezone.now()):
            return False  # already off
        self.active = False
        return True

    def wants(self, event):
        return self.active and event in self.events


class Delivery(models.Model):
    """One event sent (or being sent) to one endpoint: the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The webhook-id header: the same on every attempt, so receivers can drop repeats.
    message_id = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=40)
    payload = models.TextField(help_text=_("The JSON body, exactly as signed and sent."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="delivery_log")]

    def __str__(self):
        return f"{self.event} → {self.endpoint} ({self.get_status_display()})"

    def record_attempt(self, *, status=None, response_status=None, latency_ms=None, error=""):
        self.attempts += 1
        self.last_attempt_at = timezone.now()
        self.response_status = response_status
        self.latency_ms = latency_ms
        self.last_error = error[:300]
        if status:
            self.status = status
        if status == self.Status.DELIVERED:
            self.delivered_at = self.last_attempt_at
        self.save()
