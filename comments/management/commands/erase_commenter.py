from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments import personal_data, privacy


class Command(BaseCommand):
    help = (
        "Erase every reply left with this email address. A reply others answered is kept as an anonymous "
        "placeholder without its text; --anonymise keeps every reply's text and removes only who wrote it."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--anonymise", action="store_true",
            help='Keep the text; set the name to "Anonymous" and clear email, website, IP address and user agent.',
        )

    def handle(self, *args, email, anonymise, **options):
        try:
            validate_email(email.strip())
        except ValidationError:
            raise CommandError("That is not an email address.") from None
        deleted, kept = personal_data.erase(privacy.email_digest(email), anonymise=anonymise)
        if anonymise:
            self.stdout.write(f"Anonymised {kept} repl{'y' if kept == 1 else 'ies'}.")
        else:
            self.stdout.write(
                f"Deleted {deleted} repl{'y' if deleted == 1 else 'ies'}; kept {kept} as anonymous "
                "placeholders without their text, because others replied to them."
            )
