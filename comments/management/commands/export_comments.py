import codecs

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article
from comments import exporting, wordpress


class _TextOut:
    """A binary file for lxml's writer on top of the command's text stdout."""

    def __init__(self, stdout):
        self.stdout, self.decoder = stdout, codecs.getincrementaldecoder("utf-8")()

    def write(self, data):
        self.stdout.write(self.decoder.decode(data), ending="")


class Command(BaseCommand):
    help = gettext_lazy(
        "Print every reply (or one article's) with its thread, status and dates to stdout, as JSON lines or as a "
        "WordPress export (WXR) that import_wordpress reads back. Email addresses, IP addresses and user agents "
        "are left out unless --include-personal-data is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--article", metavar="SLUG", help=gettext_lazy("Only this article's replies."))
        parser.add_argument("--format", choices=["jsonl", "wxr"], default="jsonl")
        parser.add_argument(
            "--include-personal-data", action="store_true",
            help=gettext_lazy("Include email addresses, IP addresses, user agents and moderation reasons."),
        )

    def handle(self, *args, article=None, format="jsonl", include_personal_data=False, **options):
        if article is not None:
            try:
                article = Article.objects.get(slug=article)
            except Article.DoesNotExist:
                raise CommandError(_("No article has the slug %(slug)s.") % {"slug": article}) from None
        if include_personal_data:
            self.stderr.write(_(
                "Warning: this export contains personal data (email addresses, IP addresses, user agents). "
                "Keep it as safe as the database, and delete it when it has served its purpose."
            ))
        threads = exporting.threads(article, personal_data=include_personal_data)
        if format == "wxr":
            wordpress.write(_TextOut(self.stdout), threads, personal_data=include_personal_data)
            self.stdout.write("")
        else:
            for line in exporting.json_lines(threads, personal_data=include_personal_data):
                self.stdout.write(line)
