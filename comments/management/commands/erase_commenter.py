from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils.translation import ngettext

from comments import personal_data, privacy
from comments.models import Comment


def replies(n):
    return ngettext("%(n)d reply", "%(n)d replies", n) % {"n": n}


class Command(BaseCommand):
    help = (
        "Erase every reply left with this email address. A reply others answered is kept as an anonymous "
        "placeholder without its text; --anonymise keeps every reply's text and removes only who wrote it. "
        "Lists what will go and asks first; --dry-run only lists, --yes does not ask."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--anonymise", action="store_true",
            help='Keep the text; set the name to "Anonymous" and clear email, website, IP address and user agent.',
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would go, and change nothing.")
        parser.add_argument(
            "--yes", "--no-input", "--noinput", action="store_false", dest="interactive",
            help="Erase without asking for confirmation (for scripts).",
        )

    def handle(self, *args, email, anonymise, dry_run, interactive, **options):
        try:
            validate_email(email.strip())
        except ValidationError:
            raise CommandError("That is not an email address.") from None
        digest = privacy.email_digest(email)
        if dry_run or interactive:
            if not self.show_plan(digest, anonymise):
                return
            if dry_run:
                self.stdout.write("Dry run: nothing was changed.")
                return
            if not self.confirmed(anonymise):
                self.stdout.write("Cancelled: nothing was changed.")
                return
        deleted, kept = personal_data.erase(digest, anonymise=anonymise)
        if anonymise:
            self.stdout.write(f"Anonymised {replies(kept)}.")
        else:
            self.stdout.write(
                f"Deleted {replies(deleted)}; kept {kept} as anonymous placeholders without their text, "
                "because others replied to them."
            )

    def show_plan(self, digest, anonymise):
        """List the commenter's replies and what erasure does to each; False when there are none."""
        mine = list(
            Comment.objects.filter(email_digest=digest).select_related("article").order_by("created_at", "pk")
        )
        if not mine:
            self.stdout.write("No replies with this email address: nothing to erase.")
            return False
        kept, _ = personal_data.erasure_plan([reply.pk for reply in mine], anonymise=anonymise)
        for reply in mine:
            if anonymise:
                fate = "anonymise"
            else:
                fate = "keep as an anonymous placeholder (answered)" if reply.pk in kept else "delete"
            self.stdout.write(
                f"#{reply.pk} {reply.created_at:%Y-%m-%d} {reply.status} on {reply.article.slug}: "
                f"“{reply.excerpt(60)}” → {fate}"
            )
        if anonymise:
            self.stdout.write(f"Would anonymise {replies(len(mine))}.")
        else:
            self.stdout.write(
                f"Would delete {replies(len(mine) - len(kept))} and keep {len(kept)} as anonymous placeholders."
            )
        return True

    def confirmed(self, anonymise):
        verb = "Anonymise" if anonymise else "Erase"
        try:
            answer = input(f"{verb} these? This cannot be undone. Type 'yes' to continue: ")
        except EOFError:  # no terminal: scripts pass --yes
            answer = ""
        return answer.strip().lower() == "yes"
