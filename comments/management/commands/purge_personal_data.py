from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

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
        replies = ngettext(
            "Cleared IP address and user agent of %(n)d reply", "Cleared IP address and user agent of %(n)d replies",
            cleared,
        ) % {"n": cleared}
        older = ngettext("older than %(n)d day.", "older than %(n)d days.", days) % {"n": days}
        self.stdout.write(f"{replies} {older}")
        self.stdout.write(
            ngettext(
                "Deleted %(n)d unconfirmed reply whose link expired.",
                "Deleted %(n)d unconfirmed replies whose link expired.",
                deleted,
            ) % {"n": deleted}
        )
