"""Benchmark 7: markup per reply on the article page at 500 approved replies.

    .venv/bin/python bench/markup.py          (or: make bench-markup)

Renders the article with all 500 replies on one page (in-process, SQLite in
bench/.data/) and measures each reply's own markup: from its `<li id="comment-…">`
to the next reply's, uncompressed UTF-8 bytes, text included. Also shown: the
part that is not the reply's text (its `body_html`), and the whole page plain,
gzip and brotli. Target: median markup per reply <= 900 bytes.
"""

import gzip
import os
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

REPLIES = 500
TARGET = 900


def main():
    common.setup_django(common.SQLITE_URL, redis_url="")
    os.environ["COMMENTS_PER_PAGE"] = str(REPLIES)
    from django.conf import settings
    from django.test import Client

    settings.COMMENTS_PER_PAGE = REPLIES
    (article,) = common.make_articles(1, prefix="markup")
    common.add_replies([article], REPLIES)
    from comments.models import Comment
    from comments.page_cache import pages_changed

    pages_changed([article.pk])
    html = Client().get(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="").content
    starts = [m.start() for m in re.finditer(rb'<li id="comment-\d+"', html)]
    assert len(starts) == REPLIES, f"{len(starts)} replies on the page"
    end = html.index(b"</ol>", starts[-1])
    sizes = [b - a for a, b in zip(starts, [*starts[1:], end])]
    bodies = dict(Comment.objects.values_list("pk", "body_html"))
    ids = [int(m.group(1)) for m in re.finditer(rb'<li id="comment-(\d+)"', html)]
    overhead = [size - len(bodies[pk].encode()) for size, pk in zip(sizes, ids)]
    import brotli

    common.table(
        ["measure", "bytes"],
        [
            ["median markup per reply", f"{statistics.median(sizes):.0f}"],
            ["mean markup per reply", f"{statistics.mean(sizes):.0f}"],
            ["median markup per reply, without its text (body_html)", f"{statistics.median(overhead):.0f}"],
            ["median reply text (body_html)", f"{statistics.median(len(b.encode()) for b in bodies.values()):.0f}"],
            [f"whole page, {REPLIES} replies, plain", f"{len(html):,}"],
            ["whole page, gzip -6", f"{len(gzip.compress(html, 6)):,}"],
            ["whole page, brotli 5", f"{len(brotli.compress(html, quality=5)):,}"],
        ],
    )
    median = statistics.median(sizes)
    print(f"target: median markup per reply <= {TARGET} bytes -> {'met' if median <= TARGET else 'NOT met'} "
          f"({median:.0f})")


if __name__ == "__main__":
    main()
