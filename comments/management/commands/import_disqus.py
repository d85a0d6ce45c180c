from django.utils.translation import gettext_lazy as _

from comments import disqus
from comments.management.import_command import ImportCommand


class Command(ImportCommand):
    help = _(
        "Import the comments of a Disqus export into the articles its threads link to (by the slug in "
        "the link, or the identifier). Safe to run again: replies already imported are left alone."
    )
    source, label, name = disqus.SOURCE, disqus.LABEL, "Disqus"

    def read(self, file, **options):
        return disqus.read(file)
