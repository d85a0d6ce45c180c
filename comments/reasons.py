"""Why a reply was refused, held, marked spam or rejected: one list of codes.

Codes are stored (``Comment.reason_codes``, ``ModerationEvent.reason_code``),
filtered on (admin, API, workspace) and sent in decision notices; the labels
are what people read. A code never changes once shipped: add new ones instead.

``Rule`` codes are what the intake rules decide on their own; ``Decision``
codes are what a moderator gives when rejecting a reply, worded for the
author, as a statement of reasons should be.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rule(models.TextChoices):
    # Refused: nothing is stored, the sender is told why.
    REPLIES_CLOSED = "replies_closed", _("Replies closed")
    PARENT_NOT_PUBLIC = "parent_not_public", _("Answers a reply that is not published")
    FORM_EXPIRED = "form_expired", _("Form expired")
    FORM_INVALID = "form_invalid", _("Form token invalid or for another article")
    FLOOD = "flood", _("Posting too quickly")
    DUPLICATE = "duplicate", _("Duplicate of the sender's own reply")
    SUSPENDED = "suspended", _("Commenter suspended")
    # Marked spam.
    HONEYPOT = "honeypot", _("Honeypot field filled")
    TOO_FAST = "too_fast", _("Form sent too fast")
    BANNED = "banned", _("Banned commenter")
    BLOCKLISTED = "blocklisted", _("Blocklist match")
    TRIAGE_SPAM = "triage_spam", _("Triage model: spam")
    # Held for a moderator.
    NO_FORM_STAMP = "no_form_stamp", _("No proof of when the form was served")
    FLOOD_ELSEWHERE = "flood_elsewhere", _("Another reply from this commenter moments ago")
    DUPLICATE_ELSEWHERE = "duplicate_elsewhere", _("Same text as another recent reply")
    HOLD_LISTED = "hold_listed", _("Hold-list match")
    TOO_MANY_LINKS = "too_many_links", _("Too many links")
    TRIAGE_HOLD = "triage_hold", _("Triage model: hold")
    REPORTED = "reported", _("Reported by readers")
    APPEALED = "appealed", _("Appealed by its author")
    PRE_MODERATED = "pre_moderated", _("Article is pre-moderated")
    # Published at once.
    TRUSTED = "trusted", _("Trusted commenter")
    # Brought in by an importer with the status it had there.
    IMPORTED = "imported", _("Imported from another comment system")


class Decision(models.TextChoices):
    OFF_TOPIC = "off_topic", _("Off topic: it does not discuss the article")
    INCIVILITY = "incivility", _("Insults or personal attacks")
    HATE = "hate", _("Hate speech or discrimination")
    HARASSMENT = "harassment", _("Harassment or threats")
    PERSONAL_DATA = "personal_data", _("It shares someone's personal information")
    ADVERTISING = "advertising", _("Advertising or self-promotion")
    MISINFORMATION = "misinformation", _("False or misleading claims")
    IMPERSONATION = "impersonation", _("Impersonating someone else")
    ILLEGAL = "illegal", _("Unlawful content")
    OTHER = "other", _("Breaks the community guidelines")


# Nothing is stored when a rule refuses: these codes never appear on a reply.
REFUSALS = frozenset({
    Rule.REPLIES_CLOSED, Rule.PARENT_NOT_PUBLIC, Rule.FORM_EXPIRED, Rule.FORM_INVALID, Rule.FLOOD,
    Rule.DUPLICATE, Rule.SUSPENDED,
})
SPAM = frozenset({Rule.HONEYPOT, Rule.TOO_FAST, Rule.BANNED, Rule.BLOCKLISTED, Rule.TRIAGE_SPAM})
TRIAGE = frozenset({Rule.TRIAGE_SPAM, Rule.TRIAGE_HOLD})


def reply_choices():
    """(code, label) of the rules a stored reply's ``reason_codes`` can hold: what filters offer."""
    return [(code, label) for code, label in Rule.choices if code not in REFUSALS and code != Rule.TRUSTED]


def event_choices():
    """Choices of ``ModerationEvent.reason_code``: a rule's or a moderator's decision."""
    return [(_("Rules"), Rule.choices), (_("Moderators' decisions"), Decision.choices)]


# --- Reading the texts stored before codes existed ------------------------------------------
# comments/migrations/0008_reason_codes.py keeps a frozen copy of what follows (a migration
# must not import code that changes later); tests/comments/test_reasons.py checks both agree.

# Each reason text as the rules, the reports and the admin have written it, anchored at its start.
TEXTS = [
    (r"spam: honeypot field filled", Rule.HONEYPOT),
    (r"spam: form sent -?\d+s after", Rule.TOO_FAST),
    (r"(spam: )?banned commenter", Rule.BANNED),
    (r"spam: blocklisted ", Rule.BLOCKLISTED),
    (r"spam: triage ", Rule.TRIAGE_SPAM),
    (r"held: triage ", Rule.TRIAGE_HOLD),
    (r"held: no proof of when the form was served", Rule.NO_FORM_STAMP),
    (r"held: another reply from this commenter moments ago", Rule.FLOOD_ELSEWHERE),
    (r"held: the same text as another recent reply", Rule.DUPLICATE_ELSEWHERE),
    (r"held: (word “|link to |IP |commenter on the hold list)", Rule.HOLD_LISTED),
    (r"held: \d+ links$", Rule.TOO_MANY_LINKS),
    (r"reported by \d+ readers?", Rule.REPORTED),
    (r"trusted commenter", Rule.TRUSTED),
    (r"imported from ", Rule.IMPORTED),
]
# The admin's reject form before it offered Decision codes: "rejected: abusive — note".
OLD_REJECTIONS = {
    "abusive": Decision.INCIVILITY, "off-topic": Decision.OFF_TOPIC, "personal-data": Decision.PERSONAL_DATA,
    "legal": Decision.ILLEGAL, "misinformation": Decision.MISINFORMATION, "other": Decision.OTHER,
}


def code_of(text):
    """The code of one stored reason text, or "" for a text no rule writes."""
    text = text.strip()
    if text.startswith("rejected: "):
        word = text.removeprefix("rejected: ").split(" ", 1)[0]
        return str(OLD_REJECTIONS.get(word) or (word if word in Decision.values else ""))
    for pattern, code in TEXTS:
        if re.match(pattern, text):
            return code.value
    return ""


def codes_of(reasons):
    """Codes of a reply's stored reasons (one a line), in the same order."""
    return [code for code in map(code_of, reasons.splitlines()) if code]


def event_code_of(reason, to_status):
    """The one code of a moderation event's text: of the verdict that decided `to_status`.

    The pipeline joined every verdict with "; ": the first spam reason made spam,
    the first hold reason kept the reply pending.
    """
    codes = [code_of(part) for part in reason.split("; ")]
    codes = [code for code in codes if code]
    if to_status == "spam":
        decisive = [code for code in codes if code in SPAM]
    elif to_status == "pending":
        decisive = [code for code in codes if code not in SPAM]
    else:
        decisive = []
    return (decisive or codes or [""])[0]
