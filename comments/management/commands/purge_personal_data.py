from django.core.management.base import BaseCommand, CommandError

from comments import personal_data
from comments.conf import comment_settings


class Command(BaseCommand):
    help = (
        "Clear the IP address and user agent of replies older than COMMENTS_PERSONAL_DATA_DAYS, and delete "
        "replies whose author never confirmed their address. Safe to run as often as you like."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Override COMMENTS_PERSONAL_DATA_DAYS.")

    def handle(self, *args, days=None, **options):
        days = comment_settings.PERSONAL_DATA_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days cannot be negative.")
        cleared, deleted = personal_data.purge(days=days)
        self.stdout.write(
            f"Cleared IP address and user agent of {cleared} repl{'y' if cleared == 1 else 'ies'} "
            f"older than {days} day{'' if days == 1 else 's'}."
        )
        self.stdout.write(f"Deleted {deleted} unconfirmed repl{'y' if deleted == 1 else 'ies'} whose link expired.")
