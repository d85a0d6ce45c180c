"""The real worker process against the real database: mail delivered, a failure retried, and SIGKILL survived."""

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings

from tests.proof.test_crash import server_database  # noqa: F401  (fixture: a database of the worker's own)

pytestmark = pytest.mark.slow

SETUP = """
import django; django.setup()
from articles.models import Article
from comments.models import Comment, Status
article = Article.objects.create(slug="worker", title="Worker")
for n, address in enumerate(ADDRESSES):
    parent = Comment(article=article, name=f"P{n}", email=address, body=f"Parent {n}", notify=True,
                     status=Status.APPROVED)
    parent.save()
    child = Comment(article=article, name=f"C{n}", email=f"child{n}@example.net", body=f"Child {n}")
    child.attach_to(parent)
    child.save()
    child.approve()  # one follow-up task per reply, queued on commit
"""

STATE = """
import django; django.setup()
from django_tasks_db.models import DBTaskResult
for row in DBTaskResult.objects.order_by("enqueued_at"):
    print(row.task_path, row.status, len(row.worker_ids))
"""


@pytest.fixture
def worker_env(server_database, tmp_path):  # noqa: F811
    url, _ = server_database
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.proof.worker_settings",
        "WORKER_MAIL_DIR": str(mail_dir), "BACKGROUND_TASKS_BACKEND": "database", "DJANGO_LOG_LEVEL": "WARNING",
    }
    run([sys.executable, "manage.py", "migrate", "--noinput"], env)  # cache tables too
    return env, mail_dir


def run(command, env):
    done = subprocess.run(command, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def setup_replies(env, addresses):
    run([sys.executable, "-c", f"ADDRESSES = {addresses!r}\n{SETUP}"], env)


def task_rows(env):
    return [line.split() for line in run([sys.executable, "-c", STATE], env).splitlines()]


def start_worker(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        env=env, cwd=settings.BASE_DIR, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def delivered(mail_dir):
    """Recipients of every message the worker wrote, with repeats."""
    return Counter(
        re.findall(r"^To: (\S+)$", "".join(p.read_text() for p in mail_dir.glob("*.log")), re.MULTILINE)
    )


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def stop(worker, sig=signal.SIGTERM):
    os.killpg(worker.pid, sig)
    worker.wait(timeout=30)


def test_the_worker_process_delivers_mail_and_retries_a_failed_one(worker_env):
    env, mail_dir = worker_env
    addresses = ["ann@example.org", "flaky-bob@example.org", "cy@example.org"]
    setup_replies(env, addresses)
    assert delivered(mail_dir) == Counter()  # queued, not sent: nothing ran them yet
    worker = start_worker(env)
    try:
        assert wait_for(lambda: set(delivered(mail_dir)) == set(addresses)), delivered(mail_dir)
    finally:
        stop(worker)
    assert delivered(mail_dir) == Counter(addresses)  # each once, the refused one after its retry
    assert (mail_dir / "refused-flaky-bob@example.org").exists()
    rows = task_rows(env)
    assert {status for _, status, _ in rows} == {"SUCCESSFUL"}
    assert sorted(int(attempts) for _, _, attempts in rows) == [1, 1, 2]


def test_kill_9_mid_batch_loses_no_task_and_mails_nobody_twice(worker_env):
    env, mail_dir = worker_env
    env["WORKER_MAIL_DELAY"] = "0.3"
    addresses = [f"reader{n}@example.org" for n in range(10)]
    setup_replies(env, addresses)
    worker = start_worker(env)
    try:
        assert wait_for(lambda: len(delivered(mail_dir)) >= 3)
        time.sleep(0.1)  # into the next task: its mail on the way, its row claimed
    finally:
        stop(worker, signal.SIGKILL)
    before = delivered(mail_dir)
    states = Counter(status for _, status, _ in task_rows(env))
    assert 3 <= len(before) < 10 and states["RUNNING"] == 1 and states["READY"] >= 1  # killed mid-batch

    time.sleep(2.5)  # past BACKGROUND_TASK_TIMEOUT: the restarted worker takes the stalled task back
    workers = [start_worker(env), start_worker(env)]  # and two share the rest, as N workers do in production
    try:
        assert wait_for(lambda: len(delivered(mail_dir)) == 10), delivered(mail_dir)
        assert wait_for(lambda: {s for _, s, _ in task_rows(env)} == {"SUCCESSFUL"}, 20), task_rows(env)
    finally:
        for worker in workers:
            stop(worker)
    assert delivered(mail_dir) == Counter(addresses)  # every acknowledged task ran; nobody mailed twice
