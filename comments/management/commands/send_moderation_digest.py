from django.core.management.base import BaseCommand

from comments import notifications


class Command(BaseCommand):
    help = (
        "Email the moderators the held replies no email has mentioned yet, unless one went out within "
        "COMMENTS_NOTIFY_BATCH_SECONDS. Run it from cron every few minutes so a digest never waits for the "
        "next held reply."
    )

    def handle(self, *args, **options):
        sent = notifications.notify_moderators()
        self.stdout.write(f"Listed {sent} held repl{'y' if sent == 1 else 'ies'} in the moderators' email.")
