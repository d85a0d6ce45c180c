"""The one place that turns what a reader typed into HTML we are willing to serve.

Replies are sanitised once, when stored; pages and the API serve the stored
``body_html``. bleach is in security-fix-only maintenance, so it stays behind
``render_reply()`` and the policy lives in this module alone.

Policy: a short list of inline and block tags, links limited to http, https
and mailto, plain URLs linkified, every link ``rel="nofollow ugc noopener"``,
blank lines make paragraphs and single line breaks ``<br>``; everything else
is stripped (tags) or escaped (text).

Linkifying: bleach's own pattern knows only the top-level domains of 2012, so
``https://pills.xyz/`` stayed plain text and slipped past the link rules.
``URL_RE`` makes a link of every ``http(s)://`` URL whatever its host (any
TLD, an IDN, an IP address) and of every ``www.`` host; a bare name such as
``example.com`` is linked when its TLD is one bleach knows, so ``node.js``
stays text. ``reply_urls()`` and ``url_hosts()`` give the moderation rules
every URL a reply contains, linked or not.
"""

import re
from functools import lru_cache, partial
from html import unescape
from urllib.parse import urlsplit

from bleach.linkifier import TLDS, LinkifyFilter
from bleach.sanitizer import Cleaner

ALLOWED_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "code", "em", "i", "li", "ol", "p", "pre", "strong", "ul"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Characters a URL may hold: not spaces, quotes, angle brackets or the other
# characters RFC 3986 calls unsafe.
_URL_CHAR = r"""[^\s<>"'`{}|\\^\[\]]"""
_PORT = r"(?::[0-9]{1,5})?"
URL_RE = re.compile(
    rf"""
    (?<![\w.@/:-])  # not inside a word, an email address or another URL
    (?:
        https?://(?:[^\s/@<>"']+@)?(?:\[[0-9a-f:.]+\]|[\w-]+(?:\.[\w-]+)*){_PORT}  # any host
      | www\.[\w-]+(?:\.[\w-]+)+{_PORT}  # www. hosts, whatever their TLD
      | (?:[\w-]+\.)+(?:{"|".join(sorted(TLDS, key=len, reverse=True))}){_PORT}(?![\w-]|\.\w)  # bare names
    )
    (?:[/?\#]{_URL_CHAR}*(?<![.,;:!?]))?  # path, query, fragment; not the sentence's punctuation
    """,
    re.IGNORECASE | re.VERBOSE,
)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)

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
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"}, url_re=URL_RE)],
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


_ANCHOR = re.compile(r"<a\b(?P<attrs>[^>]*)>(?P<text>.*?)</a>", re.DOTALL)
_HREF = re.compile(r'\bhref="([^"]*)"')


def _trimmed(url):
    """A URL found in text without a closing parenthesis of the sentence around it, as linkify does."""
    while url.endswith(")") and "(" not in url:
        url = url[:-1].rstrip(".,;:!?")
    return url


def _text_urls(html):
    return [_trimmed(m.group(0)) for m in URL_RE.finditer(unescape(_TAG.sub(" ", html)))]


def _absolute(url):
    return url if _SCHEME.match(url) else f"http://{url}"


def _comparable(url):
    return (url or "").rstrip("/").lower()


@lru_cache(maxsize=256)
def _reply_urls(html):
    urls, end = [], 0
    for anchor in _ANCHOR.finditer(html):
        urls += _text_urls(html[end : anchor.start()])
        href = _HREF.search(anchor["attrs"])
        target = unescape(href[1]) if href else None
        if target:
            urls.append(target)
        # A link's text may name another address than its target: a reader sees both.
        shown = _text_urls(anchor["text"])
        urls += [url for url in shown if _comparable(_absolute(url)) != _comparable(target)]
        end = anchor.end()
    return tuple(urls + _text_urls(html[end:]))


def reply_urls(html):
    """Every URL in a sanitised reply, linked or not: each link's target, and the URLs
    in its text that are not a link's target (inside <code>, say). Only for output of
    the cleaner, whose tags and quoting are regular."""
    return list(_reply_urls(html))


def url_hosts(urls):
    """The host names of these URLs (an email link's domain), lower-case, each also in its
    other IDNA form, so a domain list entry matches "bücher.shop" and "xn--bcher-kva.shop" alike."""
    hosts = set()
    for url in urls:
        try:
            parts = urlsplit(_absolute(url.strip()))
            host = parts.path.rpartition("@")[2] if parts.scheme.lower() == "mailto" else parts.hostname
        except ValueError:  # an unclosed IPv6 bracket, say
            continue
        host = (host or "").lower().rstrip(".")
        if not host:
            continue
        hosts.add(host)
        for convert in (lambda h: h.encode("idna").decode("ascii"), lambda h: h.encode("ascii").decode("idna")):
            try:
                hosts.add(convert(host).lower())
            except UnicodeError:
                pass
    return hosts
