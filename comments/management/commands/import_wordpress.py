from django.utils.translation import gettext_lazy as _

from comments import wordpress
from comments.management.import_command import ImportCommand


class Command(ImportCommand):
    help = _(
        "Import the comments of a WordPress export (WXR 1.0–1.2, Tools → Export) into the articles with "
        "the same slugs. Safe to run again: replies already imported are left alone."
    )
    source, label, name = wordpress.SOURCE, wordpress.LABEL, "WordPress"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--include-pingbacks", action="store_true",
                            help=_("Import pingbacks and trackbacks as replies too."))

    def read(self, file, include_pingbacks=False, **options):
        return wordpress.read(file, include_pingbacks=include_pingbacks)
