"""The rules every new reply passes before it is stored.

A rule is a small function that looks at one unsaved reply (a ``Submission``)
and returns ``None`` to let it pass, or a ``Verdict``:

* ``REFUSE`` — the reader is told why (400, 403 or 429) and nothing is stored;
* ``SPAM``   — stored as spam; the reader sees the usual "awaiting moderation";
* ``HOLD``   — stored as pending for a moderator, with the reason;
* ``APPROVE`` — trusted: published at once unless another rule held it.

Rules run in the order of ``RULES``; the first refusal stops the pipeline, the
other verdicts are all collected so a moderator sees every reason. As in
django-contrib-comments, refusing ("may this be posted at all?") is kept apart
from holding ("who should look at it first?"). Thresholds are read from
settings on every call, so they can change without a redeploy of this module.
"""

import ipaddress
import re
import time
from hashlib import blake2b
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.core import signing
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import privacy, triage
from .conf import comment_settings
from .models import Comment, ListEntry, Status, VerifiedEmail
from .reasons import Rule
from .sanitize import reply_urls, url_hosts
from .validators import NO_SUCH_PARENT

REFUSE, SPAM, HOLD, APPROVE = "refuse", "spam", "hold", "approve"

_form_signer = signing.TimestampSigner(salt="comments.form")


@dataclass(frozen=True)
class Verdict:
    action: str
    code: Rule  # what filters, the API and the audit trail go by
    reason: str  # the same for people, with the detail: "held: link to example.com"
    message: str = ""  # what a refused reader is told
    status_code: int = 400
    retry_after: int | None = None


class Refused(Exception):
    def __init__(self, verdict):
        super().__init__(verdict.message)
        self.verdict = verdict


@dataclass(frozen=True)
class Judgement:
    status: str
    reasons: list = field(default_factory=list)
    codes: list = field(default_factory=list)  # codes[i] is the code of reasons[i]
    code: str = ""  # the code of the verdict that decided the status, for the audit trail


@dataclass
class Submission:
    """An unsaved reply plus what the form sent alongside it.

    ``form_token`` is None for clients without the HTML form (API, imports):
    the form-timing rules do not apply to them. It is "" for a form sent with no
    proof of when it was served (comments.views.form_stamp never ran): held.

    ``own_ids`` and ``proven_commenters`` are what the sender's browser proves
    (signed cookies): the replies it posted, and the commenters whose address it
    confirmed by following the emailed link. A typed address proves nothing:
    anyone can type a regular's. So the rules that could tell a sender whether
    the address they typed matches someone's earlier reply (duplicate, flood,
    trusted mode) speak only about replies this browser proves are its own, and
    otherwise answer exactly as for any other reply.
    """

    comment: Comment
    form_token: str | None = None
    honeypot: str = ""
    now: float = field(default_factory=time.time)
    own_ids: frozenset = frozenset()
    proven_commenters: frozenset = frozenset()
    triage: bool = True  # imports pass False: the triage model scores replies from the form and the API

    def proves(self, digest):
        """Whether this browser confirmed the address with this digest."""
        return bool(digest) and privacy.commenter_id(digest) in self.proven_commenters

    @cached_property
    def list_entries(self):
        return list(ListEntry.objects.values_list("kind", "action", "value"))

    def entries(self, kind, action):
        return [value for k, a, value in self.list_entries if k == kind and a == action]

    @cached_property
    def link_domains(self):
        """Hosts of every URL in the reply, linked or not, and of the author's website."""
        urls = reply_urls(self.comment.body_html)
        if self.comment.website:
            urls.append(self.comment.website)
        return url_hosts(urls)

    @cached_property
    def searchable_text(self):
        c = self.comment
        return "\n".join([c.name, c.website, c.body])


def form_token(article):
    """The signed timestamp the reply form carries, bound to its article."""
    return _form_signer.sign(str(article.pk))


# --- The rules, in order ---------------------------------------------------------


def replies_closed(sub):
    if not sub.comment.article.accepts_replies():
        return Verdict(
            REFUSE, Rule.REPLIES_CLOSED, "refused: replies closed", _("Replies are closed on this article."), 403
        )


def parent_not_approved(sub):
    parent = sub.comment.parent
    if parent and not Comment.objects.for_article(sub.comment.article_id).public().filter(pk=parent.pk).exists():
        return Verdict(
            REFUSE, Rule.PARENT_NOT_PUBLIC, "refused: parent not approved", NO_SUCH_PARENT,
        )


def form_expired(sub):
    if not sub.form_token:  # no token at all: too_fast holds the reply instead
        return None
    reload = _("This form has expired. Please reload the page and post your reply again.")
    try:
        value = _form_signer.unsign(sub.form_token, max_age=comment_settings.FORM_MAX_AGE)
    except signing.SignatureExpired:
        return Verdict(REFUSE, Rule.FORM_EXPIRED, "refused: form expired", reload)
    except signing.BadSignature:
        return Verdict(REFUSE, Rule.FORM_INVALID, "refused: form token invalid", reload)
    if value != str(sub.comment.article_id):
        return Verdict(REFUSE, Rule.FORM_INVALID, "refused: form token for another article", reload)


def flood(sub):
    """WordPress's flood check, per commenter, with a larger allowance per IP address.

    A commenter whose browser posted within COMMENTS_FLOOD_INTERVAL is refused;
    an address shared by many readers (an office, a mobile network) is refused
    only past COMMENTS_FLOOD_IP_ALLOWANCE replies in the interval. The same
    typed address from another browser is held, not refused: refusing would tell
    a stranger that the address they typed has just been used.
    """
    interval = comment_settings.FLOOD_INTERVAL
    if not interval:
        return None
    c = sub.comment
    since = timezone.now() - timedelta(seconds=interval)
    recent = Comment.objects.filter(created_at__gt=since).order_by("-created_at").values_list(
        "created_at", flat=True
    )
    from_ip = list(recent.filter(ip_address=c.ip_address)[: comment_settings.FLOOD_IP_ALLOWANCE]) if (
        c.ip_address
    ) else []
    own = recent.filter(pk__in=sub.own_ids).first() if sub.own_ids else None
    if own or len(from_ip) >= comment_settings.FLOOD_IP_ALLOWANCE:
        oldest_that_counts = own or from_ip[-1]
        wait = max(1, int((oldest_that_counts - since).total_seconds()) + 1)
        return Verdict(
            REFUSE, Rule.FLOOD, "refused: flood",
            ngettext(
                "You are posting replies too quickly. Please wait %(wait)d second and try again.",
                "You are posting replies too quickly. Please wait %(wait)d seconds and try again.",
                wait,
            ) % {"wait": wait},
            429, retry_after=wait,
        )
    if c.email_digest and recent.filter(email_digest=c.email_digest).exists():
        return Verdict(
            HOLD, Rule.FLOOD_ELSEWHERE, "held: another reply from this commenter moments ago, from another browser"
        )


def duplicate(sub):
    """The same text again on the same article: a double click, a resend, a copy-paste wave.

    Refused when this browser posted the first copy, or the same IP address did
    within COMMENTS_DUPLICATE_SECONDS; a copy from anywhere else is held. The
    address typed plays no part: comparing it would answer "is this who wrote
    that published reply?" for anyone who copies the text and guesses.
    """
    c = sub.comment
    copies = Comment.objects.filter(article_id=c.article_id, body=c.body)
    recent = timezone.now() - timedelta(seconds=comment_settings.DUPLICATE_SECONDS)
    same_sender = copies.filter(pk__in=sub.own_ids) if sub.own_ids else copies.none()
    if c.ip_address:
        same_sender |= copies.filter(ip_address=c.ip_address, created_at__gte=recent)
    if same_sender.exists():
        return Verdict(
            REFUSE, Rule.DUPLICATE, "refused: duplicate",
            _("Duplicate reply: it looks as though you've already said that."),
        )
    if copies.filter(created_at__gte=recent).exists():
        return Verdict(HOLD, Rule.DUPLICATE_ELSEWHERE, "held: the same text as another recent reply")


def honeypot(sub):
    if sub.honeypot:
        return Verdict(SPAM, Rule.HONEYPOT, "spam: honeypot field filled")


def too_fast(sub):
    minimum = comment_settings.MIN_SUBMIT_SECONDS
    if sub.form_token is None or not minimum:
        return None
    if not sub.form_token:
        # The form's image (or the script) never ran: a bot, or a browser that loads no images.
        # Not proof of a bot, so a moderator decides.
        return Verdict(HOLD, Rule.NO_FORM_STAMP, "held: no proof of when the form was served")
    try:
        issued = signing.b62_decode(sub.form_token.split(_form_signer.sep)[-2])
    except (IndexError, ValueError):
        return None  # a malformed token is refused by form_expired
    elapsed = sub.now - issued
    if elapsed < minimum:
        return Verdict(SPAM, Rule.TOO_FAST, f"spam: form sent {max(elapsed, 0):.0f}s after it was served")


def banned_commenter(sub):
    if sub.comment.email_digest in sub.entries(ListEntry.Kind.COMMENTER, ListEntry.Action.SPAM):
        return Verdict(SPAM, Rule.BANNED, "spam: banned commenter")


def _listed(sub, action):
    """First list entry of this action that the reply matches, as a reason."""
    for word in sub.entries(ListEntry.Kind.WORD, action):
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", sub.searchable_text, re.IGNORECASE):
            return f"word “{word}”"
    for domain in sub.entries(ListEntry.Kind.DOMAIN, action):
        domain = domain.lower().lstrip(".")
        if any(host == domain or host.endswith("." + domain) for host in sub.link_domains):
            return f"link to {domain}"
    ip = sub.comment.ip_address
    for network in sub.entries(ListEntry.Kind.IP, action):
        try:
            if ip and ipaddress.ip_address(ip) in ipaddress.ip_network(network, strict=False):
                return f"IP {network}"
        except ValueError:
            continue
    if action == ListEntry.Action.HOLD and sub.comment.email_digest in sub.entries(
        ListEntry.Kind.COMMENTER, action
    ):
        return "commenter on the hold list"
    return None


def blocklisted(sub):
    if reason := _listed(sub, ListEntry.Action.SPAM):
        return Verdict(SPAM, Rule.BLOCKLISTED, f"spam: blocklisted {reason}")


def hold_listed(sub):
    if reason := _listed(sub, ListEntry.Action.HOLD):
        return Verdict(HOLD, Rule.HOLD_LISTED, f"held: {reason}")


def too_many_links(sub):
    links = len(reply_urls(sub.comment.body_html))
    if links > comment_settings.MAX_LINKS:
        return Verdict(HOLD, Rule.TOO_MANY_LINKS, f"held: {links} links")


def triage_rule(sub):
    """The model learnt from moderators (comments/triage.py) marks spam or holds; it never refuses
    or approves. Imports (``Submission.triage`` False) are not scored."""
    if not sub.triage:
        return None
    found = triage.assess(sub.comment)
    if found is None:
        return None
    action, why = found
    if action == "spam":
        return Verdict(SPAM, Rule.TRIAGE_SPAM, f"spam: {why}")
    return Verdict(HOLD, Rule.TRIAGE_HOLD, f"held: {why}")


def trusted_commenter(sub):
    c = sub.comment
    if c.article.moderation_mode != c.article.ModerationMode.TRUSTED:
        return None
    # Anyone can type a regular's name and address: trust follows proof instead, an
    # approved reply this browser posted, or the address confirmed in this browser.
    if VerifiedEmail.objects.confirmation_needed(c.email_digest):
        return None
    earlier = Comment.objects.approved().filter(email_digest=c.email_digest, name__iexact=c.name)
    if not sub.proves(c.email_digest):
        earlier = earlier.filter(pk__in=sub.own_ids)
    if c.email_digest and earlier.exists():
        return Verdict(APPROVE, Rule.TRUSTED, "trusted commenter")


RULES = [
    replies_closed,
    parent_not_approved,
    form_expired,
    flood,
    duplicate,
    honeypot,
    too_fast,
    banned_commenter,
    blocklisted,
    hold_listed,
    too_many_links,
    triage_rule,  # after the lists
    trusted_commenter,
]


def lock_sender(comment):
    """Serialise one sender's checks and insert until the transaction ends.

    Flood and duplicate checks read earlier replies, so two simultaneous posts
    must not both check before either is stored. SQLite's IMMEDIATE transactions
    already queue every writer; PostgreSQL takes a transaction-level advisory lock
    per commenter and per IP address, in a fixed order so two senders never deadlock.
    """
    if connection.vendor != "postgresql":
        return
    names = [f"commenter:{comment.email_digest}", f"ip:{comment.ip_address}"]
    keys = sorted(
        int.from_bytes(blake2b(name.encode(), digest_size=8).digest(), "big", signed=True) for name in names
    )
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def judge(sub, rules=None):
    """Run the rules; raise Refused, or return the status, reasons and codes to store."""
    verdicts = []
    for rule in rules or RULES:
        verdict = rule(sub)
        if verdict is None:
            continue
        if verdict.action == REFUSE:
            raise Refused(verdict)
        verdicts.append(verdict)
    actions = {v.action for v in verdicts}
    # Spam outranks a hold, which outranks trust; no verdict at all leaves the reply pending.
    deciding = next((action for action in (SPAM, HOLD, APPROVE) if action in actions), None)
    status = {SPAM: Status.SPAM, HOLD: Status.PENDING, APPROVE: Status.APPROVED}.get(deciding, Status.PENDING)
    stored = [v for v in verdicts if v.action != APPROVE]
    return Judgement(
        status, [v.reason for v in stored], [v.code for v in stored],
        code=next((v.code for v in verdicts if v.action == deciding), ""),
    )
