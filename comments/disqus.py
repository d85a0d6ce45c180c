"""Disqus exports (Admin → Community → Export): replies in.

An export is one <disqus xmlns="http://disqus.com"> holding categories, a
<thread dsq:id="…"> per page (link, id — the site's own identifier —, title,
createdAt) and a <post dsq:id="…"> per comment (message as HTML, createdAt,
isDeleted, isSpam, author, ipAddress, a <thread dsq:id> reference and an
optional <parent dsq:id>). Posts of all threads come mixed, a reply may come
before its parent, and a thread's posts may be spread over the whole file. So
``read`` streams the export once into a temporary SQLite file, then yields one
thread at a time: memory holds a thread's replies, never the file.
"""

import re
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.utils.text import slugify

from .importing import ImportedReply, ImportedThread, iterparse, parse_date, plain_text, release, split_tag, text_of
from .models import Status

SOURCE = "disqus"
LABEL = "imported from Disqus"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
SPOOL_BATCH = 1000

_POST_COLUMNS = ("dsq_id", "thread", "parent", "created_at", "message", "name", "email", "username", "ip",
                 "deleted", "spam", "approved")


def read(file):
    """One ImportedThread per Disqus thread that has posts, in the order the threads appear."""
    with tempfile.TemporaryDirectory() as folder, closing(sqlite3.connect(Path(folder) / "spool.db")) as spool:
        spool.execute("CREATE TABLE thread (dsq_id TEXT PRIMARY KEY, identifier, link, title, created_at)")
        spool.execute(f"CREATE TABLE post ({', '.join(_POST_COLUMNS)})")
        _spool(file, spool)
        spool.execute("CREATE INDEX post_thread ON post (thread)")
        threads = spool.execute(
            "SELECT p.thread, t.identifier, t.link, t.title, t.created_at FROM"
            " (SELECT thread, MIN(rowid) AS first FROM post GROUP BY thread) p"
            " LEFT JOIN thread t ON t.dsq_id = p.thread ORDER BY t.rowid IS NULL, t.rowid, p.first"
        ).fetchall()
        for dsq_id, identifier, link, title, created_at in threads:
            posts = spool.execute(
                f"SELECT {', '.join(_POST_COLUMNS)} FROM post WHERE thread = ? ORDER BY rowid", [dsq_id]
            )
            yield ImportedThread(
                key=link or identifier or f"thread {dsq_id}",
                slugs=thread_slugs(link or "", identifier or ""),
                title=plain_text(title or ""), published_at=parse_date(created_at),
                replies=[_reply(dict(zip(_POST_COLUMNS, row, strict=True))) for row in posts],
            )


def _spool(file, spool):
    posts = []
    for event, element in iterparse(file, root="disqus", tags=["{*}thread", "{*}post"], what="Disqus"):
        if event != "end":
            continue
        parent_name = split_tag(element.getparent().tag)[1] if element.getparent() is not None else ""
        name = split_tag(element.tag)[1]
        if name == "thread" and parent_name == "disqus":
            fields = _fields(element)
            spool.execute(
                "INSERT OR IGNORE INTO thread VALUES (?, ?, ?, ?, ?)",
                [element.get(DSQ_ID, ""), fields.get("id", "").strip(), fields.get("link", "").strip(),
                 fields.get("title", ""), fields.get("createdAt", "").strip()],
            )
            release(element)
        elif name == "post":
            posts.append(_post_row(element))
            release(element)
            if len(posts) >= SPOOL_BATCH:
                spool.executemany(f"INSERT INTO post VALUES ({', '.join('?' * len(_POST_COLUMNS))})", posts)
                posts = []
    spool.executemany(f"INSERT INTO post VALUES ({', '.join('?' * len(_POST_COLUMNS))})", posts)


def _fields(element):
    return {split_tag(child.tag)[1]: text_of(child) for child in element}


def _flag(value):
    return value.strip().lower() == "true"


def _post_row(post):
    fields, author, thread, parent = {}, {}, "", ""
    for child in post:
        name = split_tag(child.tag)[1]
        if name == "author":
            author = _fields(child)
        elif name == "thread":
            thread = child.get(DSQ_ID, "")
        elif name == "parent":
            parent = child.get(DSQ_ID, "")
        else:
            fields[name] = text_of(child)
    return (
        post.get(DSQ_ID, ""), thread, parent, fields.get("createdAt", "").strip(), fields.get("message", ""),
        author.get("name", ""), author.get("email", ""), author.get("username", ""),
        fields.get("ipAddress", ""), _flag(fields.get("isDeleted", "")), _flag(fields.get("isSpam", "")),
        # Not in every export; when it says false the reply waits for a moderator.
        fields.get("isApproved", "true").strip().lower() != "false",
    )


def _reply(row):
    if row["spam"]:
        status = Status.SPAM
    elif row["deleted"]:
        status = Status.REJECTED
    elif not row["approved"]:
        status = Status.PENDING
    else:
        status = Status.APPROVED
    return ImportedReply(
        source_id=row["dsq_id"], parent_id=row["parent"], name=row["name"].strip() or row["username"].strip(),
        email=row["email"], ip_address=row["ip"], body=row["message"], status=status,
        created_at=parse_date(row["created_at"]),
    )


def thread_slugs(link, identifier):
    """Slugs a thread's article may have: the last part of its link's path, then its identifier
    (a slug, a path, a URL, or WordPress's "123 http://…/?p=123")."""
    slugs = []
    for value in (link, *identifier.split()):
        if "://" in value or value.startswith("/"):
            last = urlsplit(value).path.rstrip("/").rpartition("/")[2]
            value = re.sub(r"\.(html?|php|aspx?)$", "", unquote(last))
        slugs.append(slugify(value)[:200])
    return [s for s in dict.fromkeys(slugs) if s]
