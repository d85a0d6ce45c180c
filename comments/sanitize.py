"""The one place that turns what a reader typed into HTML we are willing to serve.

Replies are sanitised once, when stored; pages and the API serve the stored
``body_html``. bleach is in security-fix-only maintenance, so it stays behind
``render_reply()`` and the policy lives in this module alone.

Policy: a short list of inline and block tags, links limited to http, https
and mailto, plain URLs linkified, every link ``rel="nofollow ugc noopener"``,
blank lines make paragraphs and single line breaks ``<br>``; everything else
is stripped (tags) or escaped (text).
"""

import re
from functools import lru_cache, partial
from html import unescape

from bleach.linkifier import LinkifyFilter
from bleach.sanitizer import Cleaner

ALLOWED_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "code", "em", "i", "li", "ol", "p", "pre", "strong", "ul"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_BLOCK_START = re.compile(r"^\s*<(?:blockquote|ol|ul|pre|p)[\s>]", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    # Runs after the sanitiser, so the rel it sets is never stripped, and it
    # rewrites links the reader typed as well as the URLs it linkifies.
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})],
)


def _paragraphs(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = []
    for block in _PARAGRAPH_BREAK.split(text):
        block = block.strip()
        if not block:
            continue
        if _BLOCK_START.match(block):
            blocks.append(block)
        else:
            blocks.append("<p>" + block.replace("\n", "<br>\n") + "</p>")
    return "\n".join(blocks)


@lru_cache(maxsize=256)
def render_reply(text):
    """Sanitised HTML for a reply's source text; '' when nothing readable is left.

    Cached because a reply is checked by its form or serializer and then saved.
    """
    html = _cleaner.clean(_paragraphs(text))
    return html if has_text(html) else ""


def render_replies(texts):
    """render_reply() of each; what an import's worker processes run."""
    return [render_reply(text) for text in texts]


_TAG = re.compile(r"<[^>]*>")


def has_text(html):
    """Whether sanitised HTML has anything to read. Only for output of the cleaner, whose
    tags are well formed, so removing them by pattern is exact and spares a second parse."""
    return bool(unescape(_TAG.sub("", html)).strip())


def count_links(html):
    return html.count("<a ")
