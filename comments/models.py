import html
from collections import defaultdict
from math import ceil

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Left
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import events, paths, privacy
from .conf import comment_settings
from .fields import LimitedTextField, WebsiteField
from .page_cache import page_url, pages_changed_on_commit
from .reasons import Rule, event_choices
from .sanitize import render_reply
from .validators import validate_one_line, validate_readable


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Spam")


class CommentQuerySet(models.QuerySet):
    def for_article(self, article):
        return self.filter(article=article)

    def approved(self):
        return self.filter(status=Status.APPROVED)

    def pending(self):
        return self.filter(status=Status.PENDING)

    def in_queue(self):
        """Pending replies a moderator should see: not those still waiting for their email confirmation."""
        return self.filter(status=Status.PENDING, awaiting_confirmation=False)

    def awaiting_confirmation(self):
        return self.filter(awaiting_confirmation=True)

    def public(self):
        """Approved replies with no unpublished ancestor: what every reader is shown.

        The one visibility rule: the page, the API, the feeds and the article counts use it.
        """
        return self.approved()._without_hidden_ancestors()

    def public_or_own(self, own_ids):
        """What one reader is shown: public replies, plus the unpublished ones whose ids the author holds
        (and what hangs under them).

        Spam the pipeline caught is included for its author so a spammer sees
        the same "awaiting moderation" as everyone else and learns nothing;
        once a moderator has decided, the author's preview goes.
        """
        own = _own_unpublished(own_ids)
        return self.filter(Q(status=Status.APPROVED) | own)._without_hidden_ancestors(shown_anyway=own)

    def _without_hidden_ancestors(self, shown_anyway=None):
        """These replies, without those under an unpublished reply (`shown_anyway`: but those).

        A reply's ancestors' paths are prefixes of its own (comments.paths). One equality
        test per level lets PostgreSQL hash each level's hidden replies by path (2 ms for
        an article with 1,500 hidden replies, where one test against every prefix at once
        compared each pair: 800 ms). Replies are never deeper than COMMENTS_THREAD_DEPTH
        allows; any left deeper by a lowered setting are not shown rather than shown unchecked.
        """
        levels = comment_settings.THREAD_DEPTH
        hidden = Comment.objects.filter(
            article=OuterRef("article"), status__in=[Status.PENDING, Status.REJECTED, Status.SPAM]
        )
        if shown_anyway is not None:
            hidden = hidden.exclude(shown_anyway)
        visible = self.filter(depth__lt=levels)
        for depth in range(levels - 1):
            visible = visible.exclude(
                Exists(hidden.filter(thread_path=Left(OuterRef("thread_path"), paths.prefix_length(depth))))
            )
        return visible

    def reported_open(self):
        """Reported replies no moderator has closed: still published, or sent back to the queue."""
        return self.filter(
            Exists(Flag.objects.filter(comment=OuterRef("pk"))), status__in=[Status.APPROVED, Status.PENDING]
        )

    def with_reason(self, *codes):
        """Replies with any of these reason codes among their ``reason_codes``."""
        # The quoted code in the list's JSON text: one lookup for SQLite and PostgreSQL
        # alike (SQLite has no JSON containment), and "flood" never matches "flood_elsewhere".
        matches = Q()
        for code in codes:
            matches |= Q(reason_codes__icontains=f'"{code}"')
        return self.filter(matches) if codes else self.none()

    def imported_from(self, source, ids):
        """Replies imported from `source` under these ids there."""
        # ~Q(source="") repeats the unique index's condition, so SQLite can use that partial index.
        return self.filter(~Q(source=""), source=source, source_id__in=ids)

    def in_thread_order(self):
        """Depth-first: each thread after its parent, threads oldest first."""
        return self.order_by("thread_path")

    def top_level(self):
        """The approved replies that start threads: what pages of replies are counted in."""
        return self.approved().filter(parent=None)

    def history_by_digest(self, digests):
        """{digest: {status: count}} for the given commenters, in one query."""
        history = defaultdict(lambda: dict.fromkeys(Status.values, 0))
        rows = (
            self.filter(email_digest__in=set(digests))
            .values_list("email_digest", "status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for digest, status, n in rows:
            history[digest][status] = n
        return history

    def moderate(self, status, *, by=None, reason="", code=""):
        """Move these replies to `status`, one event per real change; returns how many changed.

        `reason` is the event's text, `code` its reason code (a reasons.Rule or reasons.Decision).

        Rows are locked first, so two moderators acting at once each see the
        other's result and no change is recorded twice.
        """
        with transaction.atomic():
            changing = list(
                self.select_for_update().exclude(status=status).values_list("pk", "status", "article_id")
            )
            if not changing:
                return 0
            ids = [pk for pk, _, _ in changing]
            notes = {}
            if by is not None:  # a moderator's decision: the triage model learns from it, and notes where it was wrong
                for _receiver, found in events.deciding.send(sender=Comment, status=status, ids=ids):
                    notes.update(found or {})
            now = timezone.now()  # taken under the lock, so events sort in the order they happened
            # A moderator's decision ends any wait for the commenter's email confirmation.
            Comment.objects.filter(pk__in=ids).update(
                status=status, moderated_at=now, moderated_by=by, awaiting_confirmation=False
            )
            ModerationEvent.objects.bulk_create(
                ModerationEvent(
                    comment_id=pk, actor=by, from_status=old, to_status=status,
                    reason="; ".join(filter(None, [reason, notes.get(pk)]))[:500], reason_code=code,
                    created_at=now,
                )
                for pk, old, _ in changing
            )
            pages_changed_on_commit({article_id for _, _, article_id in changing})
            events.moderated(status, ids)  # comments.tasks mails the approved replies' followers
        return len(changing)

    def approve(self, *, by=None, reason="", code=""):
        return self.moderate(Status.APPROVED, by=by, reason=reason, code=code)

    def reject(self, *, by=None, reason="", code=""):
        return self.moderate(Status.REJECTED, by=by, reason=reason, code=code)

    def mark_spam(self, *, by=None, reason="", code=""):
        return self.moderate(Status.SPAM, by=by, reason=reason, code=code)


def _own_unpublished(own_ids):
    """The author's own replies still awaiting a decision (see public_or_own)."""
    return Q(status=Status.PENDING, pk__in=own_ids) | Q(status=Status.SPAM, moderated_at=None, pk__in=own_ids)


class Comment(models.Model):
    # No index of its own: comment_thread (article, status, thread_path) serves article lookups.
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments", db_index=False,
        verbose_name=_("article"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies", verbose_name=_("parent")
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # "0000000012/0000000031": ancestors' ids, so ORDER BY gives thread order (comments.paths).
    thread_path = models.CharField(max_length=paths.MAX_LENGTH, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=100, validators=[validate_one_line])
    email = models.EmailField(_("email"), max_length=254, blank=True)
    email_digest = models.CharField(max_length=64, blank=True, editable=False)
    website = WebsiteField(_("website"), max_length=200, blank=True)
    body = LimitedTextField(_("body"), max_length=5000, validators=[validate_readable])
    body_html = models.TextField(editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reasons = models.TextField(
        _("reasons"), blank=True, help_text=_("Why the reply was held or refused, one per line.")
    )
    # The code of each line of `reasons`, in the same order (reasons.Rule): what filters go by.
    reason_codes = models.JSONField(default=list, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("ip address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("moderated by"),
    )
    notify = models.BooleanField(
        _("notify of follow-ups"), default=False, help_text=_("The commenter asked for an email when someone replies.")
    )
    # With COMMENTS_CONFIRM_EMAIL: a new commenter's reply stays out of the queue until they follow the link.
    awaiting_confirmation = models.BooleanField(default=False, editable=False)
    # When the moderators' alert or digest mentioned this reply; empty = not yet.
    moderators_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Where an imported reply came from ("wordpress", "disqus") and its id there, so
    # running an import again adds nothing twice; empty for replies posted here.
    source = models.CharField(max_length=20, blank=True, editable=False)
    source_id = models.CharField(max_length=200, blank=True, editable=False)
    # Triage (comments/triage.py): probability of spam by the model version that scored it; empty without a model.
    triage_score = models.FloatField(null=True, blank=True, editable=False)
    triage_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The account that wrote the reply: a staff reply (comments/staff.py), or a reader signed in
    # (COMMENTS_ACCOUNTS), whose digest is still built from the account's verified address, so
    # history follows the person. The title shown with a staff reply; when an editor picked the
    # reply; readers' recommendations; when its author last edited it (comments/authoring.py).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments",
        editable=False,
    )
    staff_title = models.CharField(max_length=60, blank=True, editable=False)
    picked_at = models.DateTimeField(null=True, blank=True, editable=False)
    recommend_count = models.PositiveIntegerField(default=0, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["article", "status", "thread_path"], name="comment_thread"),
            models.Index(fields=["status", "created_at"], name="comment_queue"),
            # The queue itself: pending rows only, so it stays small however big the table
            # grows, and PostgreSQL uses it instead of walking created_at past every
            # moderated reply to reach the oldest pending one.
            models.Index(
                fields=["created_at"], condition=Q(status=Status.PENDING), name="comment_pending_by_age"
            ),
            # Digest lookups (history, bans, trusted mode, admin search) and the duplicate
            # rule, which SQLite otherwise answers by reading the whole article's replies.
            models.Index(fields=["email_digest", "article"], name="comment_commenter"),
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_recent"),
            # The queue ordered by triage score, highest first.
            models.Index(
                fields=["-triage_score"], condition=Q(status=Status.PENDING), name="comment_pending_by_score"
            ),
            # The Editors' picks order: only picked rows.
            models.Index(
                fields=["article", "-picked_at"], condition=Q(picked_at__isnull=False), name="comment_picks"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], condition=~Q(source=""), name="comment_unique_imported"
            ),
        ]
        permissions = [
            ("moderate_comment", "Can moderate replies"),
            ("view_commenter_email", "Can view commenter email addresses"),
            ("erase_commenter_data", "Can erase or export a commenter's personal data"),
            ("reply_as_staff", "Can reply as staff"),
            ("pick_comment", "Can pick replies"),
        ]

    def __str__(self):
        return f"{self.name} on {self.article}: {self.excerpt()}"

    def save(self, *args, **kwargs):
        self.render()
        with transaction.atomic():
            # A new pending reply changes nothing readers see; anything else may.
            if self.status == Status.APPROVED or not self._state.adding:
                pages_changed_on_commit([self.article_id])
            super().save(*args, **kwargs)
            if not self.thread_path:
                self.thread_path = paths.child_path(self.parent.thread_path if self.parent else "", self.pk)
                Comment.objects.filter(pk=self.pk).update(thread_path=self.thread_path)

    def get_absolute_url(self):
        """The reply on its page of the article's replies (one query to find the page)."""
        return f"{page_url(self.article.slug, self.page_number())}#comment-{self.pk}"

    def page_number(self, newest_first=None):
        """The page of its article's replies that shows this reply (comments.threads cuts the pages);
        `newest_first` for the Newest or Oldest order (comments.sorting), else the site's default."""
        per_page = comment_settings.PER_PAGE
        roots = Comment.objects.for_article(self.article_id).top_level()
        if comment_settings.NEWEST_FIRST if newest_first is None else newest_first:
            counts = roots.aggregate(
                threads=Count("pk"), newer=Count("pk", filter=Q(thread_path__gt=self.thread_path))
            )
            return min(counts["newer"] // per_page + 1, max(1, ceil(counts["threads"] / per_page)))
        up_to_here = roots.filter(thread_path__lte=self.thread_path).count()
        return max(1, ceil(up_to_here / per_page))

    # The body that body_html was rendered from, so an unchanged body is not sanitised again.
    _rendered_body = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._rendered_body = instance.__dict__.get("body")
        return instance

    def render(self):
        """Derive body_html and email_digest from what the reader typed."""
        if self._rendered_body != self.body:
            self.body_html = render_reply(self.body)
            self._rendered_body = self.body
        self.email_digest = privacy.email_digest(self.email) if self.email else ""

    def get_admin_url(self):
        return reverse("admin:comments_comment_change", args=[self.pk])

    @property
    def masked_email(self):
        return privacy.mask_email(self.email) if self.email else ""

    @property
    def commenter(self):
        return privacy.commenter_id(self.email_digest) if self.email_digest else ""

    @property
    def reason_list(self):
        return [r for r in self.reasons.splitlines() if r]

    @property
    def coded_reasons(self):
        """(code, text) of each stored reason."""
        return list(zip(self.reason_codes, self.reason_list))

    def excerpt(self, length=80):
        """Plain text: the tags stripped and entities decoded (callers escape it again as they need)."""
        return Truncator(html.unescape(strip_tags(self.body_html))).chars(length)

    def attach_to(self, parent):
        """Reply to `parent`, or to its deepest ancestor within COMMENTS_THREAD_DEPTH."""
        # Capped as well as checked (comments.E001): a reply too deep for thread_path is never tried.
        max_depth = min(comment_settings.THREAD_DEPTH, paths.MAX_LEVELS)
        while parent is not None and parent.depth + 1 >= max_depth:
            parent = parent.parent
        self.parent = parent
        self.depth = parent.depth + 1 if parent else 0

    def moderate(self, status, *, by=None, reason="", code=""):
        changed = Comment.objects.filter(pk=self.pk).moderate(status, by=by, reason=reason, code=code)
        self.refresh_from_db(fields=["status", "moderated_at", "moderated_by"])
        return changed

    def approve(self, *, by=None, reason="", code=""):
        return self.moderate(Status.APPROVED, by=by, reason=reason, code=code)

    def reject(self, *, by=None, reason="", code=""):
        return self.moderate(Status.REJECTED, by=by, reason=reason, code=code)

    def mark_spam(self, *, by=None, reason="", code=""):
        return self.moderate(Status.SPAM, by=by, reason=reason, code=code)

    def report(self, *, reporter, reason="other", note="", user=None):
        """Record one reader's report; False if this reader already reported it.

        At COMMENTS_REPORT_THRESHOLD reports an approved reply goes back to the queue.
        """
        with transaction.atomic():
            _, created = Flag.objects.get_or_create(
                comment=self, reporter=reporter,
                defaults={"reason": reason, "note": note, "user": user},
            )
            if not created:
                return False
            reports = self.flags.count()
            if reports >= comment_settings.REPORT_THRESHOLD and self.status == Status.APPROVED:
                why = f"reported by {reports} readers"
                self.reasons = "\n".join([*self.reason_list, why])
                self.reason_codes = [*self.reason_codes, Rule.REPORTED]
                Comment.objects.filter(pk=self.pk).update(reasons=self.reasons, reason_codes=self.reason_codes)
                self.moderate(Status.PENDING, reason=why, code=Rule.REPORTED)
                events.announce("reply.reported", [self.pk])
        return True


class VerifiedEmailQuerySet(models.QuerySet):
    def confirmation_needed(self, digest):
        """Whether COMMENTS_CONFIRM_EMAIL is on and this commenter has not yet confirmed their address."""
        return bool(comment_settings.CONFIRM_EMAIL and digest) and not self.filter(digest=digest).exists()


class VerifiedEmail(models.Model):
    """An address whose owner followed a confirmation link; kept as its digest only."""

    digest = models.CharField(max_length=64, unique=True)
    verified_at = models.DateTimeField(default=timezone.now)

    objects = VerifiedEmailQuerySet.as_manager()

    def __str__(self):
        return f"commenter {privacy.commenter_id(self.digest)}"


class ModerationQueue(Comment):
    """The pending replies, as their own entry in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("reply awaiting moderation")
        verbose_name_plural = _("moderation queue")


class ModerationEvent(models.Model):
    """One status change of one reply. Written once, never edited."""

    comment = models.ForeignKey(
        Comment, null=True, on_delete=models.SET_NULL, related_name="events", verbose_name=_("comment")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("actor"), help_text=_("Empty when the rule pipeline made the change."),
    )
    from_status = models.CharField(_("from status"), max_length=10, blank=True)
    to_status = models.CharField(_("to status"), max_length=10)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Why, as a code (reasons.Rule or reasons.Decision); empty for a decision given without one.
    reason_code = models.CharField(_("reason code"), max_length=30, blank=True, choices=event_choices())
    # A commenter's ban, suspension, lift or note (comments/commenters.py): their email digest, no reply.
    commenter = models.CharField(max_length=64, blank=True, editable=False)
    # An undo (comments/decisions.py) names the decision it reversed; each decision is undone once.
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undone_by", editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        indexes = [
            # Stats (comments/stats.py) read the trail by period; the drawer by commenter.
            models.Index(fields=["created_at"], name="event_by_time"),
            models.Index(fields=["comment", "created_at"], name="event_by_reply"),
            models.Index(fields=["commenter", "created_at"], condition=~Q(commenter=""), name="event_by_commenter"),
        ]

    def __str__(self):
        who = self.actor or "pipeline"
        return f"{self.from_status or 'new'} → {self.to_status} by {who}"


class CommentRevision(models.Model):
    """The text a reply had before its author edited it, for moderators (audit trail).

    Erasure (comments/personal_data.py) deletes a reply's revisions with its text.
    """

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The author's account; empty for an author without one.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "earlier version"

    def __str__(self):
        return f"#{self.comment_id} before the edit of {self.created_at:%Y-%m-%d %H:%M}"


class Flag(models.Model):
    """A reader's report on an approved reply."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSIVE = "abusive", _("Abusive or harassing")
        OFF_TOPIC = "off_topic", _("Off-topic")
        ILLEGAL = "illegal", _("Illegal content")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags", verbose_name=_("comment"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, default=Reason.OTHER)
    note = models.CharField(_("note"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("user"),
    )
    # Keyed digest of the reader's account, session or IP: one report per reader, no raw IP kept.
    reporter = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_reader")
        ]

    def __str__(self):
        return f"{self.get_reason_display()} on #{self.comment_id}"


class ListEntry(models.Model):
    """A blocklist (spam) or hold-list (queue) entry, edited by moderators in the admin."""

    class Kind(models.TextChoices):
        WORD = "word", _("Word or phrase")
        DOMAIN = "domain", _("Link domain")
        IP = "ip", _("IP address or network")
        COMMENTER = "commenter", _("Commenter (by email)")

    class Action(models.TextChoices):
        SPAM = "spam", _("Block: mark as spam")
        HOLD = "hold", _("Hold for a moderator")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    action = models.CharField(_("action"), max_length=5, choices=Action.choices, default=Action.SPAM)
    # For commenters this holds the email digest, never the address.
    value = models.CharField(_("value"), max_length=200)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("blocklist or hold-list entry")
        verbose_name_plural = _("blocklist and hold-list")
        constraints = [
            models.UniqueConstraint(fields=["kind", "action", "value"], name="unique_list_entry")
        ]

    def __str__(self):
        # Not even the opaque commenter id: matched against the ids the moderation API
        # shows, it would confirm an address typed into a new entry.
        shown = f"commenter entry #{self.pk}" if self.kind == self.Kind.COMMENTER else self.value
        return f"{self.get_action_display()}: {shown}"

    def save(self, *args, **kwargs):
        self.normalise()
        banning = self._state.adding and self.kind == self.Kind.COMMENTER and self.action == self.Action.SPAM
        super().save(*args, **kwargs)
        if banning:
            events.banned(self.pk)

    def normalise(self):
        """The value as stored: trimmed, lower-cased, and for a commenter only the digest of the address."""
        self.value = self.value.strip()
        if self.kind == self.Kind.COMMENTER and "@" in self.value:
            self.value = privacy.email_digest(self.value)  # the address itself is never kept
        elif self.kind in (self.Kind.WORD, self.Kind.DOMAIN):
            self.value = self.value.lower()


from .triage_model import TriageModel  # noqa: E402, F401  (its own module: comments/triage.py uses it)
from .workspace_models import Appeal, Commenter, CommenterNote  # noqa: E402, F401  (the workspace's own tables)
from .voices import Recommendation, StaffProfile  # noqa: E402, F401
