from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.text import slugify

from articles.models import Article

# Everything from this line on is the source site's reply form, not article text.
FURNITURE_START = "Leave a Reply"
CURLY_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def parse_seed(text):
    """(headline, body) from a seed file: headline first, paragraphs after."""
    lines = text.splitlines()
    title = lines[0].strip()
    paragraphs = []
    for line in lines[1:]:
        if line.strip() == FURNITURE_START:
            break
        if line.strip():
            paragraphs.append(line.strip())
    return title, "\n\n".join(paragraphs)


def seed_slug(title):
    return slugify(title.translate(CURLY_QUOTES).replace("'", ""))[:200]


class Command(BaseCommand):
    help = "Create or update an article from every seeds/*.txt (idempotent by slug)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=settings.BASE_DIR / "seeds")

    def handle(self, *args, dir, **options):
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for path in sorted(dir.glob("*.txt")):
            title, body = parse_seed(path.read_text(encoding="utf-8"))
            article, created = Article.objects.get_or_create(
                slug=seed_slug(title), defaults={"title": title, "body": body}
            )
            if created:
                counts["created"] += 1
            elif (article.title, article.body) != (title, body):
                article.title, article.body = title, body
                article.save(update_fields=["title", "body"])
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items()))
