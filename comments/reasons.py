"""Why a reply was refused, held, marked spam or rejected: one list of codes.

Codes are stored (``Comment.reason_codes``, ``ModerationEvent.reason_code``),
filtered on (admin, API, workspace) and sent in decision notices; the labels
are what people read. A code never changes once shipped: add new ones instead.

``Rule`` codes are what the intake rules decide on their own; ``Decision``
codes are what a moderator gives when rejecting a reply, worded for the
author, as a statement of reasons should be.
"""

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
    STAFF_REPLY = "staff_reply", _("Staff reply")


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
