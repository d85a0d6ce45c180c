from .conf import comment_settings

"""WordPress eXtended RSS (WXR 1.0–1.2, what Tools → Export writes): replies in and out.

An export is an RSS channel with one <item> per post or page; its comments are
<wp:comment> elements inside the item, each with its id, its parent's id
(0 for none, and a parent may come after its answers), its status
(comment_approved: 1, 0, spam, trash) and its dates. The wp namespace is
http://wordpress.org/export/1.0/ to /1.2/ depending on the version, so elements
are matched by that prefix. ``read`` yields one ImportedThread per item;
``write`` produces a WXR 1.2 file that ``read`` (and WordPress) import back.
"""

import re
from datetime import UTC
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import unquote

from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from lxml import etree

from .importing import (
    ImportedReply, ImportedThread, article_body, iterparse, parse_date, plain_text, release, split_tag, text_of,
)
from .models import Status

SOURCE = "wordpress"
LABEL = "imported from WordPress"
WP_PREFIX = "http://wordpress.org/export/"
WP = WP_PREFIX + "1.2/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": CONTENT,
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": WP,
}

STATUSES = {
    "1": Status.APPROVED, "approve": Status.APPROVED,
    "0": Status.PENDING, "hold": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.REJECTED, "post-trashed": Status.REJECTED,
}
EXPORTED_STATUS = {Status.APPROVED: "1", Status.PENDING: "0", Status.SPAM: "spam", Status.REJECTED: "trash"}
PINGBACKS = {"pingback", "trackback"}
SKIP_PINGBACK = "pingback or trackback"


# --- In -------------------------------------------------------------------------------------


def read(file, *, include_pingbacks=False):
    """One ImportedThread per <item> of a WXR file, streamed: each item is freed once read."""
    for event, element in iterparse(file, root="rss", tags=["{*}item"], what="WordPress (WXR)"):
        if event == "end" and split_tag(element.tag)[1] == "item":
            yield thread_from_item(element, include_pingbacks)
            release(element)


def thread_from_item(item, include_pingbacks=False):
    wp, comments, title, content, pub_date = {}, [], "", "", ""
    for child in item:
        namespace, name = split_tag(child.tag)
        if namespace.startswith(WP_PREFIX):
            if name == "comment":
                comments.append(reply_from_comment(child, include_pingbacks))
            else:
                wp[name] = text_of(child).strip()
        elif namespace == CONTENT and name == "encoded":
            content = text_of(child)
        elif not namespace and name == "title":
            title = plain_text(text_of(child))
        elif not namespace and name == "pubDate":
            pub_date = text_of(child).strip()
    slug = item_slug(wp.get("post_name", ""), title, wp.get("post_id", ""))
    return ImportedThread(
        key=slug, slugs=[slug], title=title, body=article_body(content) if comments else "",
        published_at=(parse_date(wp.get("post_date_gmt")) or parse_date(wp.get("post_date"), utc=False)
                      or _rfc822(pub_date)),
        replies=comments,
    )


def item_slug(post_name, title, post_id):
    """The article slug of an item: its post_name (WordPress keeps non-ASCII ones percent-encoded)."""
    return (slugify(unquote(post_name)) or slugify(title) or f"wordpress-{slugify(post_id) or 'post'}")[:200]


def reply_from_comment(comment, include_pingbacks=False):
    fields = {split_tag(child.tag)[1]: text_of(child) for child in comment}
    kind = fields.get("comment_type", "").strip()
    skip = ""
    if kind in PINGBACKS:
        skip = "" if include_pingbacks else SKIP_PINGBACK
    elif kind not in ("", "comment"):
        skip = f"comment type {kind[:30]}"
    parent = fields.get("comment_parent", "").strip()
    return ImportedReply(
        source_id=fields.get("comment_id", "").strip(),
        parent_id="" if parent in ("", "0") else parent,
        name=fields.get("comment_author", ""),
        email=fields.get("comment_author_email", ""),
        website=fields.get("comment_author_url", ""),
        ip_address=fields.get("comment_author_IP", ""),
        user_agent=fields.get("comment_agent", ""),
        body=fields.get("comment_content", ""),
        # Anything unknown waits for a moderator rather than going public.
        status=STATUSES.get(fields.get("comment_approved", "").strip(), Status.PENDING),
        created_at=(parse_date(fields.get("comment_date_gmt"))
                    or parse_date(fields.get("comment_date"), utc=False)),
        skip=skip,
    )


def _rfc822(value):
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


# --- Out ------------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value):
    return _NOT_XML.sub("", str(value))


def _field(xf, tag, value, *, cdata=False):
    with xf.element(tag):
        value = _xml_text(value)
        # A CDATA section cannot hold "]]>": such a value is written escaped instead.
        xf.write(etree.CDATA(value) if cdata and value and "]]>" not in value else value)


def _wp(name):
    return f"{{{WP}}}{name}"


def _dates(moment):
    local = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    return local, moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def write(out, threads, *, personal_data=False):
    """Write a WXR 1.2 document to `out` (a binary file) from (article, replies) pairs, streamed.

    Without `personal_data`, email and IP address are left empty (WordPress
    requires the elements) and no user agent is written.
    """
    site = comment_settings.SITE_URL
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("rss", version="2.0", nsmap=NAMESPACES), xf.element("channel"):
            _field(xf, "title", "Newsroom")
            _field(xf, "link", site)
            _field(xf, "description", "Replies exported from Newsroom comments")
            _field(xf, _wp("wxr_version"), "1.2")
            _field(xf, _wp("base_site_url"), site)
            _field(xf, _wp("base_blog_url"), site)
            for article, replies in threads:
                _write_item(xf, article, replies, personal_data, site)
                xf.flush()


def _write_item(xf, article, replies, personal_data, site):
    with xf.element("item"):
        _field(xf, "title", article.title)
        _field(xf, "link", site + article.get_absolute_url())
        _field(xf, "pubDate", format_datetime(article.published_at.astimezone(UTC), usegmt=True))
        _field(xf, "{%s}encoded" % CONTENT, "\n\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs()),
               cdata=True)
        _field(xf, _wp("post_id"), article.pk)
        local, gmt = _dates(article.published_at)
        _field(xf, _wp("post_date"), local)
        _field(xf, _wp("post_date_gmt"), gmt)
        _field(xf, _wp("comment_status"), "open" if article.comments_open else "closed")
        _field(xf, _wp("post_name"), article.slug)
        _field(xf, _wp("status"), "publish")
        _field(xf, _wp("post_type"), "post")
        for reply in replies:
            with xf.element(_wp("comment")):
                _field(xf, _wp("comment_id"), reply.pk)
                _field(xf, _wp("comment_author"), reply.name, cdata=True)
                _field(xf, _wp("comment_author_email"), reply.email if personal_data else "")
                _field(xf, _wp("comment_author_url"), reply.website)
                _field(xf, _wp("comment_author_IP"), (reply.ip_address or "") if personal_data else "")
                local, gmt = _dates(reply.created_at)
                _field(xf, _wp("comment_date"), local)
                _field(xf, _wp("comment_date_gmt"), gmt)
                _field(xf, _wp("comment_content"), reply.body, cdata=True)
                _field(xf, _wp("comment_approved"), EXPORTED_STATUS[reply.status])
                _field(xf, _wp("comment_type"), "comment")
                _field(xf, _wp("comment_parent"), reply.parent_id or 0)
                _field(xf, _wp("comment_user_id"), 0)
                if personal_data and reply.user_agent:
                    _field(xf, _wp("comment_agent"), reply.user_agent)
