from django_tasks_db.management.commands import db_worker

from background.retries import recover_stalled


class Command(db_worker.Command):
    help = (
        "Run a background worker: requeue tasks a stopped worker left running, then run tasks as they come "
        "(django-tasks-db's db_worker). Start as many as the load needs; on SQLite one is enough."
    )

    def handle(self, *args, **options):
        recover_stalled()
        super().handle(*args, **options)
