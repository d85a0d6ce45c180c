from unittest import mock

import pytest
from django_tasks_db.management.commands.db_worker import Worker


@pytest.fixture
def queue(settings):
    """The database backend, as in production; run_queue() works it off in this process."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_queue():
    """Run every task that is due, as `manage.py run_worker --batch` does, inside the test's transaction.

    (Without its signal handlers, and without closing the connection between
    tasks, which would end the test's transaction; tests/proof/test_worker.py
    runs the real command.)
    """
    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()
