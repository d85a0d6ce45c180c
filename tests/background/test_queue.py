import io
import logging
import smtplib
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

import newsroom.settings
from background import retries
from background.mail import MailNotSent, send_once
from background.models import BackgroundTask, SentMail
from comments.models import Comment, Status
from comments.moderation import form_token
from tests.background.conftest import run_queue
from tests.conftest import reply_data

SECRET = "Quiet.Person-7f2@Private-Mail.example"


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"no such user") for m in messages})


REFUSING = "tests.background.test_queue.RefusingBackend"


@pytest.fixture
def alerted(settings, db):
    settings.COMMENTS_MODERATOR_EMAILS = ["desk@newsroom.example"]
    settings.COMMENTS_NOTIFY_BATCH_SECONDS = 0


def post(client, article, **overrides):
    overrides.setdefault("email", SECRET)
    data = reply_data(token=form_token(article), **overrides)
    return client.post(reverse("post_comment", args=[article.slug]), data)


def test_the_database_backend_is_the_default():
    assert newsroom.settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_a_post_queues_its_mail_and_the_worker_sends_it(
    queue, alerted, client, article, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, article, body="Held for the desk").status_code == 303
    assert mailoutbox == []  # the request queued the mail; it did not talk to a mail server
    [row] = DBTaskResult.objects.all()
    assert row.task_path == "comments.tasks.reply_stored" and row.args_kwargs["args"] == [Comment.objects.get().pk]

    run_queue()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert [m.to for m in mailoutbox] == [["desk@newsroom.example"]] and "Held for the desk" in mailoutbox[0].body


def test_a_failing_task_is_retried_with_growing_delays_then_stays_failed(queue, alerted, settings, make_comment):
    settings.EMAIL_BACKEND = REFUSING
    settings.BACKGROUND_TASK_ATTEMPTS = 3
    settings.BACKGROUND_RETRY_BASE_SECONDS = 60
    reply = make_comment(status=Status.PENDING)
    from comments import tasks

    row = DBTaskResult.objects.get(pk=tasks.reply_stored.enqueue(reply.pk).id)
    delays = []
    for _ in range(3):
        started = timezone.now()
        run_queue()
        row.refresh_from_db()
        if row.status == TaskResultStatus.READY:
            delays.append((row.run_after - started).total_seconds())
            DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())  # skip the wait
    assert row.status == TaskResultStatus.FAILED and len(row.worker_ids) == 3
    assert 45 <= delays[0] <= 61 and 90 <= delays[1] <= 121  # 60 s, then 120 s, less up to 25% jitter
    assert row.exception_class_path == "background.mail.MailNotSent"


def test_backoff_doubles_and_is_capped(settings):
    settings.BACKGROUND_RETRY_BASE_SECONDS = 30
    settings.BACKGROUND_RETRY_MAX_SECONDS = 600
    assert 22.5 <= retries.backoff(1) <= 30
    assert 90 <= retries.backoff(3) <= 120
    assert 450 <= retries.backoff(10) <= 600


def test_a_stalled_task_goes_back_to_the_queue(queue, settings, db):
    settings.BACKGROUND_TASK_TIMEOUT = 60
    from background import tasks

    old, fresh = (DBTaskResult.objects.get(pk=tasks.prune.enqueue().id) for _ in range(2))
    DBTaskResult.objects.filter(pk=old.pk).update(status="RUNNING", started_at=timezone.now() - timedelta(minutes=5))
    DBTaskResult.objects.filter(pk=fresh.pk).update(status="RUNNING", started_at=timezone.now())
    assert retries.recover_stalled() == 1
    assert DBTaskResult.objects.get(pk=old.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=fresh.pk).status == "RUNNING"


def test_send_once_mails_each_recipient_once_per_event(db, mailoutbox):
    def messages():
        return [EmailMessage("s", "b", "from@example.org", [to]) for to in ("a@example.org", "b@example.org")]

    assert send_once("event-1", messages()) == 2
    assert send_once("event-1", messages()) == 0  # a second run of the same task
    assert send_once("event-2", messages()) == 2
    assert len(mailoutbox) == 4
    assert not SentMail.objects.filter(recipient__contains="example").exists()  # digests, not addresses


def test_send_once_after_a_failure_sends_only_what_is_missing(db, settings, monkeypatch):
    sent = []

    class FailsOnB(BaseEmailBackend):
        def send_messages(self, messages):
            if messages[0].to == ["b@example.org"] and not sent.count("b@example.org") and "failed" not in sent:
                sent.append("failed")
                raise smtplib.SMTPServerDisconnected("b@example.org went away")
            sent.extend(m.to[0] for m in messages)
            return len(messages)

    monkeypatch.setattr("django.core.mail.get_connection", lambda *a, **k: FailsOnB())
    monkeypatch.setattr("background.mail.get_connection", lambda *a, **k: FailsOnB())
    messages = [EmailMessage("s", "b", "f@example.org", [to]) for to in ("a@example.org", "b@example.org")]
    with pytest.raises(MailNotSent) as error:
        send_once("e", messages)
    assert "SMTPServerDisconnected" in str(error.value) and "@" not in str(error.value)
    assert send_once("e", messages) == 1
    assert sent == ["a@example.org", "failed", "b@example.org"]


def test_a_queue_failure_never_fails_the_post(
    queue, client, article, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr("django_tasks_db.DatabaseBackend.enqueue", broken)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        assert post(client, article).status_code == 303
    assert Comment.objects.count() == 1 and "Could not queue reply_stored: RuntimeError" in caplog.text


def test_run_periodic_queues_each_job_once_per_interval(queue, db):
    call_command("run_periodic", stdout=(out := io.StringIO()))
    assert "send_moderation_digest" in out.getvalue() and "purge_personal_data" in out.getvalue()
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert queued == {
        "comments.tasks.send_moderation_digest", "comments.tasks.purge_personal_data", "background.tasks.prune",
        "webhooks.tasks.prune_deliveries", "comments.tasks.retrain_triage_nightly",
        "comments.tasks.check_queue_age",
    }
    call_command("run_periodic", stdout=(again := io.StringIO()))
    assert "nothing due" in again.getvalue() and DBTaskResult.objects.count() == 6
    call_command("run_periodic", "--all", stdout=io.StringIO())
    assert DBTaskResult.objects.count() == 12
    run_queue()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


# --- The admin -----------------------------------------------------------------------


@pytest.fixture
def failed_task(queue, alerted, settings, make_comment):
    settings.EMAIL_BACKEND = REFUSING
    settings.BACKGROUND_TASK_ATTEMPTS = 1
    from comments import tasks

    reply = make_comment(status=Status.PENDING, email=SECRET)
    result = tasks.reply_stored.enqueue(reply.pk)
    run_queue()
    return BackgroundTask.objects.get(pk=result.id)


def test_failed_tasks_are_listed_with_their_error_and_never_an_address(failed_task, admin_client):
    assert failed_task.status == TaskResultStatus.FAILED
    url = reverse("admin:background_backgroundtask_changelist") + "?status__exact=FAILED"
    page = admin_client.get(url).content.decode()
    assert "reply_stored" in page and "MailNotSent" in page and "SMTPRecipientsRefused" in page
    change = admin_client.get(reverse("admin:background_backgroundtask_change", args=[failed_task.pk]))
    text = page + change.content.decode()
    for needle in ("Private-Mail", "desk@newsroom", "newsroom.example", "Traceback"):
        assert needle not in text


def test_an_operator_runs_a_failed_task_again(failed_task, admin_client, settings, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = admin_client.post(
        reverse("admin:background_backgroundtask_changelist"),
        {"action": "retry", "_selected_action": [failed_task.pk]},
    )
    assert response.status_code == 302
    failed_task.refresh_from_db()
    assert failed_task.status == TaskResultStatus.READY
    run_queue()
    failed_task.refresh_from_db()
    recipients = [m.to[0] for m in mailoutbox]  # the desk and the superuser, once each
    assert failed_task.status == TaskResultStatus.SUCCESSFUL
    assert "desk@newsroom.example" in recipients and len(recipients) == len(set(recipients)) == 2


def test_the_task_list_is_for_operators_only(failed_task, client, moderator, make_user):
    url = reverse("admin:background_backgroundtask_changelist")
    client.force_login(moderator)
    assert client.get(url).status_code == 403
    assert "background" not in client.get(reverse("admin:index")).content.decode().lower()
    client.force_login(make_user("background.operate_background_work"))
    assert client.get(url).status_code == 200
    # The package's own admin (whole tracebacks) is not installed.
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 404
