from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class SentMail(models.Model):
    """One email to one recipient about one event.

    A worker may run a task twice (a retry after a crash); the row, claimed
    before sending and stamped after, makes the second run skip whoever already
    has the email.
    """

    event = models.CharField(max_length=120)
    # Keyed digest of the address (background.mail.recipient_key), never the address.
    recipient = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "recipient"], name="one_mail_per_event")]

    def __str__(self):
        return f"{self.event} → {self.recipient[:8]}"


class BackgroundTask(DBTaskResult):
    """The task queue's rows, as operators see them in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        permissions = [("operate_background_work", _("Can see and retry background tasks"))]

    def __str__(self):
        return f"{self.task_name} ({self.get_status_display()})"

    @property
    def attempts(self):
        return len(self.worker_ids)

    @property
    def error_class(self):
        return self.exception_class_path.rpartition(".")[2]
