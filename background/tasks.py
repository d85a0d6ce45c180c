from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .models import SentMail

KEEP_DAYS = 14  # finished tasks and sent-mail markers older than this are deleted


@task()
def prune():
    """Delete successful task rows and sent-mail markers older than KEEP_DAYS; failed tasks stay for operators."""
    cutoff = timezone.now() - timedelta(days=KEEP_DAYS)
    tasks, _ = DBTaskResult.objects.successful().filter(finished_at__lt=cutoff).delete()
    markers, _ = SentMail.objects.filter(created_at__lt=cutoff).delete()
    return {"tasks": tasks, "markers": markers}
