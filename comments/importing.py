"""Bringing replies in from other systems: WordPress (WXR) and Disqus exports.

A reader (``comments.wordpress``, ``comments.disqus``) streams an export and
yields one ``ImportedThread`` at a time: where the replies belong and the replies
themselves, in any order. ``Importer`` finds (or creates) the article, threads the
replies and stores them in one transaction per article, building each with
``comments.intake.build_reply()`` as every reply is built. The posting
rules (flood, timing, duplicates) are not applied and no email is sent: these
replies were judged on the site they come from. Each keeps its source and its id
there, so running an import again adds nothing twice, and gets one moderation
event "imported from …". The affected article pages are invalidated once, at
the end.

XML is read with lxml's iterparse, entity expansion and network access off, and
a document carrying a DTD is refused: exports never have one, while XML bombs
and external entities cannot work without one.
"""

import ipaddress
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from lxml import etree

from articles.models import Article

from . import paths
from .conf import comment_settings
from .intake import build_reply
from .models import Comment, ModerationEvent, Status
from .reasons import Rule
from .sanitize import render_replies
from .page_cache import pages_changed

BATCH = 500
READ_AHEAD = 4  # threads sanitised ahead of the one being stored
SANITISE_CHUNK = 250  # replies per task of a worker process
_NAME_LENGTH = Comment._meta.get_field("name").max_length


class ImportFailed(ValueError):
    """The file cannot be imported; the message says why, for the operator."""


# --- Reading XML safely ----------------------------------------------------------------


@lru_cache(maxsize=512)
def split_tag(tag):
    """'{namespace}local' -> ('namespace', 'local')."""
    if isinstance(tag, str) and tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag if isinstance(tag, str) else ""


_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
HEAD_BYTES = 64 * 1024
DTD_REFUSED = _lazy(
    "Refused: the file declares a DTD (<!DOCTYPE …>). Exports never do; an XML bomb "
    "(entity expansion) or an external entity needs one."
)


def check_head(file, *, root, what):
    """Read the start of the file up to its root element: refuse a DTD or another root element.

    Done before the real parse, so a wrong or hostile file is refused at once, not after
    a gigabyte has gone through the parser."""
    parser = etree.XMLPullParser(events=("start",), **_PARSER_OPTIONS)
    head = file.read(HEAD_BYTES)
    try:
        parser.feed(head)
        element = next((element for _, element in parser.read_events()), None)
    except etree.XMLSyntaxError as error:
        if b"<!DOCTYPE" in head:  # libxml2 may stop at a bomb's DTD before we see the root
            raise ImportFailed(DTD_REFUSED) from None
        raise ImportFailed(_("The file is not well-formed XML (line %(line)s): %(error)s")
                           % {"line": error.lineno, "error": error.msg}) from None
    if element is not None:
        docinfo = element.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None or docinfo.system_url:
            raise ImportFailed(DTD_REFUSED)
    if element is None or split_tag(element.tag)[1] != root:
        raise ImportFailed(_("This is not a %(what)s export: it does not start with <%(root)s>.")
                           % {"what": what, "root": root})
    file.seek(0)


def iterparse(file, *, root, tags, what):
    """(event, element) for the start and end of `tags` ('{*}name' matches any namespace)
    in an export whose root element is `root`; raises ImportFailed for a DTD, another
    root element or malformed XML."""
    check_head(file, root=root, what=what)
    context = etree.iterparse(file, events=("start", "end"), tag=tags, remove_comments=True, remove_pis=True,
                              **_PARSER_OPTIONS)
    try:
        yield from context
    except etree.XMLSyntaxError as error:
        raise ImportFailed(_("The file is not well-formed XML (line %(line)s): %(error)s")
                           % {"line": error.lineno, "error": error.msg}) from None


def release(element):
    """Free a handled element and everything before it, so memory stays flat."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def text_of(element):
    return element.text or "" if element is not None else ""


class ProgressFile:
    """A binary file that moves a progress bar as the parser reads it."""

    def __init__(self, file, bar):
        self.file, self.bar = file, bar

    def read(self, size=-1):
        data = self.file.read(size)
        self.bar.update(len(data))
        return data

    def seek(self, offset):
        self.bar.update(offset - self.file.tell())
        return self.file.seek(offset)


# --- Field values -----------------------------------------------------------------------


def parse_date(value, *, utc=True):
    """A datetime from 'YYYY-MM-DD HH:MM:SS' or ISO 8601, naive values read as UTC
    (or the site's time zone); None for an empty or zero date ('0000-00-00 00:00:00')."""
    try:
        moment = parse_datetime((value or "").strip())
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC) if utc else timezone.make_aware(moment)
    return moment


def _accepted(field, value):
    """The value, stripped, if Comment's field accepts it; else "": an import keeps what it can."""
    value = (value or "").strip()
    try:
        Comment._meta.get_field(field).run_validators(value)
    except ValidationError:
        return ""
    return value


def clean_email(value):
    return _accepted("email", value)


def clean_url(value):
    return _accepted("website", value)


def clean_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "figure",
              "figcaption", "hr", "ul", "ol", "table", "section", "article", "header", "footer"}
    SKIP = {"script", "style", "iframe", "noscript", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def article_body(html):
    """An Article body (plain paragraphs separated by blank lines) from a post's HTML.

    WordPress keeps posts with their paragraphs as blank lines (wpautop adds the <p>
    on display) or, from the block editor, as <p> elements between <!-- wp:… --> markers.
    """
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    text = "".join(extractor.parts).replace("\r\n", "\n").replace("\xa0", " ")
    paragraphs = (" ".join(block.split()) for block in text.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def plain_text(html):
    return " ".join(article_body(html).split())


# --- What readers yield -----------------------------------------------------------------


@dataclass
class ImportedReply:
    source_id: str
    parent_id: str = ""  # the parent's id in the source; "" for a top-level reply
    name: str = ""
    email: str = ""
    website: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    body: str = ""
    status: str = Status.APPROVED
    created_at: datetime | None = None
    skip: str = ""  # why it is not imported (its answers attach to its own parent)


@dataclass
class ImportedThread:
    key: str  # how the operator recognises it in the summary: a slug or a link
    slugs: list  # slugs of the article it belongs to, best first
    title: str = ""
    body: str = ""
    published_at: datetime | None = None
    replies: list = field(default_factory=list)


# --- Storing ------------------------------------------------------------------------------

SKIP_NO_ARTICLE = "no article"
SKIP_EMPTY = "empty text"


@dataclass
class Summary:
    articles: Counter = field(default_factory=Counter)  # matched / created
    imported: Counter = field(default_factory=Counter)  # by status
    skipped: Counter = field(default_factory=Counter)  # by reason
    already_present: int = 0
    present_elsewhere: int = 0  # of those, under another article
    missing: dict = field(default_factory=dict)  # thread key -> replies skipped for want of an article


@dataclass(frozen=True)
class Node:
    """A stored reply as a parent: enough to thread under it."""

    pk: int
    depth: int
    path: str
    article_id: int

    def within(self, max_depth):
        """The ancestor a reply to this one attaches to (Comment.attach_to), or None."""
        if self.depth + 1 < max_depth:
            return self
        level = max_depth - 2
        if level < 0:
            return None
        parts = self.path.split("/")
        return Node(int(parts[level]), level, "/".join(parts[: level + 1]), self.article_id)


class Importer:
    """Stores the threads a reader yields; `summary` says what happened."""

    def __init__(self, source, label, *, create_articles=False):
        # label: the moderation event's reason, "imported from WordPress"; stored in English like every reason.
        self.source, self.label, self.create_articles = source, label, create_articles
        self.summary = Summary()
        self.changed_articles = set()
        self.rendered = {}  # body -> body_html, sanitised ahead by run()

    def run(self, threads, pool=None):
        """Store every thread. With a process pool, the replies of the next few threads are
        sanitised in parallel while one is stored: bleach costs more than everything else."""
        ahead = deque()
        try:
            for thread in threads:
                ahead.append((thread, self._sanitise_ahead(thread, pool)))
                if len(ahead) > READ_AHEAD:
                    self.add(*ahead.popleft())
        except ImportFailed:
            # The threads read whole before the break in the file are complete: store them.
            while ahead:
                self.add(*ahead.popleft())
            raise
        while ahead:
            self.add(*ahead.popleft())

    def _sanitise_ahead(self, thread, pool):
        """Futures of render_reply() for the replies of this thread that are not yet stored."""
        if pool is None:
            return []
        wanted = {r.source_id: r.body for r in thread.replies if not r.skip and r.source_id}
        present = self._present(wanted)
        bodies = list(dict.fromkeys(body for sid, body in wanted.items() if sid not in present))
        chunks = [bodies[start : start + SANITISE_CHUNK] for start in range(0, len(bodies), SANITISE_CHUNK)]
        return [(chunk, pool.submit(render_replies, chunk)) for chunk in chunks]

    def add(self, thread, sanitised=()):
        """Store one thread's replies; `sanitised`: (bodies, future of their HTML) pairs from run()."""
        self.rendered = {}
        for bodies, future in sanitised:
            self.rendered.update(zip(bodies, future.result(), strict=True))
        replies = self._unique(thread.replies)
        wanted = [r for r in replies.values() if not r.skip]
        for reply in replies.values():
            if reply.skip:
                self.summary.skipped[reply.skip] += 1
        if not wanted:
            return
        with transaction.atomic():
            article = self._article(thread)
            if article is None:
                self.summary.skipped[SKIP_NO_ARTICLE] += len(wanted)
                self.summary.missing[thread.key] = self.summary.missing.get(thread.key, 0) + len(wanted)
                return
            if self._store(article, replies):
                self.changed_articles.add(article.pk)

    def finish(self):
        """Invalidate the cached pages (and feeds) of every article that gained replies, once."""
        if self.changed_articles:
            pages_changed(article_ids=self.changed_articles)

    def _unique(self, replies):
        unique = {}
        for reply in replies:
            if reply.source_id in unique or not reply.source_id:
                self.summary.skipped["duplicate or missing id"] += 1
            else:
                unique[reply.source_id] = reply
        return unique

    def _article(self, thread):
        slugs = [s for s in dict.fromkeys(thread.slugs) if s]
        found = {a.slug: a for a in Article.objects.filter(slug__in=slugs)}
        for slug in slugs:
            if slug in found:
                self.summary.articles["matched"] += 1
                return found[slug]
        if not self.create_articles:
            return None
        slug = slugs[0] if slugs else slugify(f"{self.source}-{thread.key}")
        self.summary.articles["created"] += 1
        # bulk_create skips Article.save()'s cache invalidation: finish() does it once for all.
        [article] = Article.objects.bulk_create([Article(
            slug=slug[:200], title=(thread.title or slug)[:300], body=thread.body,
            published_at=thread.published_at or timezone.now(),
        )])
        return article

    def _present(self, ids):
        """{source id: Node} of the replies already imported under these ids."""
        ids, present = list(ids), {}
        for start in range(0, len(ids), BATCH):
            rows = Comment.objects.imported_from(self.source, ids[start : start + BATCH]).values_list(
                "source_id", "pk", "depth", "thread_path", "article_id"
            )
            present.update({row[0]: Node(*row[1:]) for row in rows})
        return present

    def _store(self, article, replies):
        """Store the new replies of one article, parents before their answers; True if any."""
        parent_ids = {r.parent_id for r in replies.values() if r.parent_id}
        nodes = self._present(set(replies) | parent_ids)
        new = [r for sid, r in replies.items() if not r.skip and sid not in nodes]
        present = [nodes[sid] for sid, r in replies.items() if not r.skip and sid in nodes]
        self.summary.already_present += len(present)
        # The same id under another article: most likely another site's reply (ids are per site).
        self.summary.present_elsewhere += sum(1 for node in present if node.article_id != article.pk)
        # Only a reply of this article can be a parent here.
        nodes = {sid: node for sid, node in nodes.items() if node.article_id == article.pk}

        parents = {r.source_id: self._imported_parent(r, replies) for r in new}
        stored = False
        for generation in _generations(new, parents, nodes):
            stored |= self._insert(article, generation, parents, nodes)
        return stored

    @staticmethod
    def _imported_parent(reply, replies):
        """The id of the nearest ancestor that is imported (a skipped parent passes its answers up)."""
        seen, parent_id = {reply.source_id}, reply.parent_id
        while parent_id in replies and replies[parent_id].skip and parent_id not in seen:
            seen.add(parent_id)
            parent_id = replies[parent_id].parent_id
        return "" if parent_id in seen else parent_id

    def _insert(self, article, generation, parents, nodes):
        max_depth = comment_settings.THREAD_DEPTH
        now = timezone.now()
        comments = []
        for reply in sorted(generation, key=lambda r: (r.created_at or now, r.source_id)):
            parent = nodes.get(parents[reply.source_id])
            parent = parent.within(max_depth) if parent else None
            # Sanitised ahead in a worker process (run()), or by build_reply() now.
            comment = build_reply(
                article, parent_id=parent.pk if parent else None, depth=parent.depth + 1 if parent else 0,
                name=reply.name.strip()[:_NAME_LENGTH] or "Anonymous", email=clean_email(reply.email),
                website=clean_url(reply.website), body=reply.body, body_html=self.rendered.get(reply.body),
                status=reply.status, reasons=self.label, reason_codes=[Rule.IMPORTED], ip_address=clean_ip(reply.ip_address),
                user_agent=reply.user_agent or "", created_at=reply.created_at or now,
                source=self.source, source_id=reply.source_id,
                # Moderators' alerts and digests are about new replies: not these.
                moderators_notified_at=now if reply.status == Status.PENDING else None,
            )
            if not comment.body_html:
                self.summary.skipped[SKIP_EMPTY] += 1
                nodes[reply.source_id] = parent  # its answers take its place
                continue
            comment._parent_path = parent.path if parent else ""
            comments.append(comment)
        if not comments:
            return False
        Comment.objects.bulk_create(comments, batch_size=BATCH)
        for comment in comments:
            comment.thread_path = paths.child_path(comment._parent_path, comment.pk)
            nodes[comment.source_id] = Node(comment.pk, comment.depth, comment.thread_path, article.pk)
            self.summary.imported[comment.status] += 1
        # The path needs the id the insert gave: as Comment.save() does, but one statement
        # sent many times, where bulk_update() would build a CASE of every row per batch.
        with connection.cursor() as cursor:
            table, path, pk = _quoted(Comment._meta.db_table), _quoted("thread_path"), _quoted("id")
            cursor.executemany(
                f"UPDATE {table} SET {path} = %s WHERE {pk} = %s",
                [(comment.thread_path, comment.pk) for comment in comments],
            )
        ModerationEvent.objects.bulk_create(
            (ModerationEvent(comment=c, from_status="", to_status=c.status, reason=self.label,
                             reason_code=Rule.IMPORTED, created_at=now)
             for c in comments),
            batch_size=BATCH,
        )
        return True


def _quoted(name):
    return connection.ops.quote_name(name)


def _generations(new, parents, nodes):
    """The new replies in rounds: first those whose parent is stored (or none), then their answers, …

    A parent named but absent from the file and the database leaves its answer at the top;
    so does a loop of replies answering each other.
    """
    waiting = {r.source_id: r for r in new}
    for sid in waiting:
        if parents[sid] not in waiting and parents[sid] not in nodes:
            parents[sid] = ""
    ready_parents = set(nodes) | {""}
    while waiting:
        generation = [r for sid, r in waiting.items() if parents[sid] in ready_parents]
        if not generation:  # only loops are left: break one at its oldest reply
            oldest = min(waiting.values(), key=lambda r: (r.created_at or timezone.now(), r.source_id))
            parents[oldest.source_id] = ""
            continue
        for reply in generation:
            del waiting[reply.source_id]
        yield generation
        ready_parents.update(r.source_id for r in generation)
