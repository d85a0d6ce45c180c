from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from background.conf import background_settings
from background.retries import recover_stalled


class Command(BaseCommand):
    help = (
        "Queue the periodic jobs that are due (BACKGROUND_PERIODIC_TASKS: task path → seconds between runs) "
        "and requeue tasks a stopped worker left running. Run it every minute from cron or a systemd timer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Queue every job now, due or not.")

    def handle(self, *args, all, **options):
        recovered = recover_stalled()
        queued = []
        for path, seconds in background_settings.PERIODIC_TASKS.items():
            # The shared cache remembers when each job last went out; every job is idempotent,
            # so an emptied cache costs at most one early run.
            if cache.add(f"background:periodic:{path}", True, timeout=seconds) or all:
                import_string(path).enqueue()
                queued.append(path.rpartition(".")[2])
        self.stdout.write(f"Queued: {', '.join(queued) or 'nothing due'}; requeued {recovered} stalled task(s).")
