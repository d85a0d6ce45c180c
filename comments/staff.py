"""Staff replies: a journalist or moderator answers readers under their own name.

A holder of "Can reply as staff" (comments.reply_as_staff) posts without name or
email fields: the reply carries their display name and title, is approved at once
(one ModerationEvent with them as the actor) and never meets the rules meant for
readers (flood, duplicates, links, lists, triage). Their account's address is
stored like any commenter's and, like any commenter's, never shown.
"""

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from background.queue import enqueue_on_commit

from . import events, tasks
from .intake import build_reply, reply_parent
from .models import Comment, ModerationEvent, Status
from .reasons import Rule
from .validators import validate_readable

PERMISSION = "comments.reply_as_staff"
DEFAULT_TITLE = _("Staff")


def may_reply_as_staff(user):
    return user.is_authenticated and user.is_active and user.has_perm(PERMISSION)


def display_name(user):
    return (user.get_full_name() or user.get_username())[:100]


def staff_title(user):
    profile = getattr(user, "staff_profile", None) if user.pk else None
    return (profile.title if profile and profile.title else str(DEFAULT_TITLE))[:60]


_BODY = Comment._meta.get_field("body")


class StaffReplyForm(forms.Form):
    """The text and the reply it answers: the model's own checks (comments.intake, comments.validators)."""

    body = forms.CharField(label=_("Comment"), max_length=_BODY.max_length, validators=[validate_readable],
                           widget=forms.Textarea(attrs={"rows": 6}))
    parent = forms.IntegerField(required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput)

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        return None if parent_id is None else reply_parent(self.article, parent_id)


def post_staff_reply(user, article, body, parent=None):
    """Store and publish a staff member's reply; returns it. The caller checks the permission."""
    # Built as every reply is (comments.intake), but not judged: the rules are for readers.
    reply = build_reply(
        article, parent=parent, name=display_name(user), email=user.email or "", body=body, user=user,
        staff_title=staff_title(user), status=Status.APPROVED, reason_codes=[Rule.STAFF_REPLY.value],
    )
    now = timezone.now()
    with transaction.atomic():
        # moderated_by stays empty: a staff reply is no moderator's verdict on a reader's text,
        # so triage never learns from it (comments.triage.learnable); the event names the author.
        reply.moderated_at = now
        reply.save()  # an approved reply: the article's pages change (Comment.save)
        ModerationEvent.objects.create(
            comment=reply, actor=user, from_status="", to_status=Status.APPROVED,
            reason=str(Rule.STAFF_REPLY.label), reason_code=Rule.STAFF_REPLY, created_at=now,
        )
        # Whoever asked to hear about replies to theirs hears about this one.
        enqueue_on_commit(tasks.replies_approved, [reply.pk])
        events.stored(reply)
    return reply
