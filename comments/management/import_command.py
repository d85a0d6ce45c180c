"""What import_wordpress and import_disqus share: the file, the progress bar, the summary."""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from comments.importing import Importer, ImportFailed, ProgressFile
from comments.models import Status


PARALLEL_FROM_BYTES = 5_000_000


class ImportCommand(BaseCommand):
    source = label = name = ""  # e.g. "wordpress", "imported from WordPress", "WordPress"

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The export file (XML)."))
        parser.add_argument(
            "--create-articles", action="store_true",
            help=_("Create the articles the export has and this site lacks; otherwise their replies are skipped."),
        )
        parser.add_argument(
            "--jobs", type=int, metavar="N",
            help=_("Processes that sanitise replies in parallel (default: one per CPU for files over 5 MB, "
                   "else none)."),
        )

    def read(self, file, **options):
        """Yield the export's ImportedThreads."""
        raise NotImplementedError

    def handle(self, *args, file, create_articles=False, jobs=None, **options):
        importer = Importer(self.source, self.label, create_articles=create_articles)
        try:
            size = os.path.getsize(file)
            with open(file, "rb") as raw, self._progress(size) as bar, self._pool(jobs, size) as pool:
                importer.run(self.read(ProgressFile(raw, bar), **options), pool)
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        except ImportFailed as error:
            importer.finish()
            message = f"{file}: {error}"
            if done := sum(importer.summary.imported.values()):
                message += " " + ngettext(
                    "The articles before that point are complete (%(n)s reply stored), the article being "
                    "read has nothing stored: fix the file and run again; nothing is imported twice.",
                    "The articles before that point are complete (%(n)s replies stored), the article being "
                    "read has nothing stored: fix the file and run again; nothing is imported twice.",
                    done,
                ) % {"n": done}
            raise CommandError(message) from None
        importer.finish()
        self.report(importer.summary)

    def _pool(self, jobs, size):
        if jobs is None:
            jobs = (os.cpu_count() or 1) if size > PARALLEL_FROM_BYTES else 1
        if jobs < 2:
            return nullcontext()
        # fork: workers start at once with the sanitiser loaded, whoever called the command (spawn
        # would re-run the caller's script). They never use the database connections they inherit,
        # and leave by os._exit, so those connections are not closed under this process.
        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))

    def _progress(self, size):
        out = getattr(self.stderr, "_out", self.stderr)
        return tqdm(
            total=size, unit="B", unit_scale=True, unit_divisor=1024, desc=self.name, leave=False, file=out,
            disable=not (out.isatty() if hasattr(out, "isatty") else False),
        )

    def report(self, summary):
        imported = sum(summary.imported.values())
        skipped = sum(summary.skipped.values())
        write = self.stdout.write
        write(_("Imported from %(name)s:") % {"name": self.name})
        write("  " + _("articles: %(matched)s matched, %(created)s created")
              % {"matched": summary.articles["matched"], "created": summary.articles["created"]})
        by_status = ", ".join(f"{summary.imported[s]} {s}" for s in Status.values if summary.imported[s])
        write("  " + ngettext("%(n)s reply imported", "%(n)s replies imported", imported) % {"n": imported}
              + (f" ({by_status})" if by_status else ""))
        write("  " + ngettext("%(n)s reply already present", "%(n)s replies already present",
                              summary.already_present) % {"n": summary.already_present})
        if summary.present_elsewhere:
            write("  " + ngettext(
                "(%(n)s of them under another article: the same id from another site? Ids are per site, so "
                "import one site per newsroom.)",
                "(%(n)s of them under another article: the same ids from another site? Ids are per site, so "
                "import one site per newsroom.)",
                summary.present_elsewhere,
            ) % {"n": summary.present_elsewhere})
        reasons = ", ".join(f"{n} {reason}" for reason, n in summary.skipped.most_common())
        write("  " + ngettext("%(n)s reply skipped", "%(n)s replies skipped", skipped) % {"n": skipped}
              + (f" ({reasons})" if reasons else ""))
        if summary.missing:
            write(_("Replies skipped for want of an article (--create-articles creates them):"))
            for key, n in summary.missing.items():
                write("  " + ngettext("%(key)s: %(n)s reply", "%(key)s: %(n)s replies", n) % {"key": key, "n": n})
