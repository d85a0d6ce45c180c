"""What an author may do with their own reply after posting: edit it for a while, delete it at any time.

The author is the account that posted it (COMMENTS_ACCOUNTS), or, without one,
the browser holding the signed own-replies cookie (comments.http) that the
"awaiting moderation" preview already uses.

* Edit: for COMMENTS_EDIT_SECONDS after posting. The new text is sanitised and
  goes through the rules that look at what a reply says (lists, links, bans,
  triage, closed articles); a rule that would hold it or mark it spam does so
  now, even to a published reply, and a clean edit keeps the reply's status. The
  previous text is kept as a CommentRevision and the edit is a ModerationEvent,
  both on the reply's admin page.
* Delete: personal_data.delete_reply, the erasure code: the reply goes, or stays
  as a placeholder without its text where others answered it.
"""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import events, personal_data
from .conf import comment_settings
from .http import own_reply_ids
from .models import Comment, CommentRevision, ModerationEvent
from .moderation import (
    Submission,
    banned_commenter,
    blocklisted,
    hold_listed,
    judge,
    replies_closed,
    too_many_links,
    triage_rule,
)
from .readers import signed_in_reader

# The rules about what a reply says; those about how it was sent (timing, flood, duplicate) do not apply.
EDIT_RULES = [replies_closed, banned_commenter, blocklisted, hold_listed, too_many_links, triage_rule]


def own_ids(request, article=None):
    """Ids of the replies this reader wrote: this browser's, and with an account, the account's."""
    ids = set(own_reply_ids(request))
    reader = signed_in_reader(request)
    if reader is not None:
        mine = Comment.objects.filter(user=reader.user)
        if article is not None:
            mine = mine.for_article(article)
        ids.update(mine.values_list("pk", flat=True))
    return ids


def authored(request):
    """The replies this reader may edit or delete: their own, as far as they can see them."""
    return Comment.objects.public_or_own(own_ids(request)).filter(pk__in=own_ids(request))


def edit_closes_at(reply):
    return reply.created_at + timedelta(seconds=comment_settings.EDIT_SECONDS)


def may_edit(reply, now=None):
    """Within the edit window: from posting until COMMENTS_EDIT_SECONDS later (that instant excluded)."""
    return comment_settings.EDIT_SECONDS > 0 and (now or timezone.now()) < edit_closes_at(reply)


def edit(reply, body, *, by=None, own=frozenset()):
    """Replace the reply's text with `body` as its author; returns the reply.

    Raises moderation.Refused (nothing changed) when a rule refuses, e.g. replies closed.
    """
    with transaction.atomic():
        reply = Comment.objects.select_for_update().select_related("article").get(pk=reply.pk)
        before_body, before = reply.body, reply.status
        reply.body = body
        reply.render()
        judgement = judge(Submission(reply, own_ids=frozenset(own)), rules=EDIT_RULES)
        now = timezone.now()
        if judgement.reasons:  # a rule holds it or marks it spam: so does the edit, published or not
            reply.status = judgement.status
            reply.reasons = "\n".join([*reply.reason_list, *judgement.reasons])
        reply.edited_at = now
        CommentRevision.objects.create(comment=reply, body=before_body, status=before, edited_by=by, created_at=now)
        reply.save()  # replaces the article's cached pages
        reason = "; ".join(["edited by its author", *judgement.reasons])[:500]
        ModerationEvent.objects.create(
            comment=reply, actor=by, from_status=before, to_status=reply.status, reason=reason, created_at=now
        )
        if reply.status != before:
            events.moderated(reply.status, [reply.pk])
    return reply


def delete(reply, *, by=None):
    return personal_data.delete_reply(reply, by=by)


def place_author_links(request, html, ids):
    """Edit and Delete links under this reader's own replies in the (shared) replies html."""
    on_page = [pk for pk in ids if f'<li id="comment-{pk}" ' in html]
    if not on_page:
        return html
    now = timezone.now()
    for pk, created_at in Comment.objects.filter(pk__in=on_page).values_list("pk", "created_at"):
        start = html.find(f'<li id="comment-{pk}" ')
        at = html.find('<div class="comment-content">', start)
        if at < 0:
            continue
        links = []
        if may_edit(Comment(created_at=created_at), now):
            links.append(format_html('<a class="comment-edit-link" href="{}">{}</a>',
                                     reverse("edit_comment", args=[pk]), _("Edit")))
        links.append(format_html('<a class="comment-delete-link" href="{}">{}</a>',
                                 reverse("delete_comment", args=[pk]), _("Delete")))
        actions = format_html('<p class="author-actions">{}</p>', mark_safe(" · ".join(links)))
        html = html[:at] + actions + html[at:]
    return mark_safe(html)
