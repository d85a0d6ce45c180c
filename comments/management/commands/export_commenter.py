import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils import timezone

from comments import personal_data, privacy


class Command(BaseCommand):
    help = (
        "Print, as JSON, every reply left with this email address and what is stored with it, "
        "for the commenter's data-access request. Send the output to that address only."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError("That is not an email address.") from None
        data = {
            # The requester is the data subject, and this goes to the operator's terminal only.
            "email": email,
            "exported_at": timezone.now().isoformat(),
            "replies": personal_data.export(privacy.email_digest(email)),
        }
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
