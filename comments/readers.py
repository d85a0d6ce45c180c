"""The signed-in reader, as the comments app sees them (COMMENTS_ACCOUNTS).

The accounts app knows about allauth and addresses; comments asks it through
settings.COMMENTS_READER_ACCOUNT and gets a ``Reader`` back, so it never
imports the accounts app.
"""

from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from newsroom.cross_origin import session_involved

from . import privacy
from .conf import comment_settings
from .models import Comment

SIGN_IN_TO_REPLY = _("Sign in to reply.")
VERIFY_TO_REPLY = _("Confirm your email address before replying: follow the link we emailed you.")


@dataclass(frozen=True)
class Reader:
    user: object
    name: str  # the account's display name, as replies show it
    email: str  # the account's verified address; "" while it has none


def signed_in_reader(request):
    """The signed-in reader, or None (accounts off, or no session at all)."""
    if not comment_settings.ACCOUNTS or not session_involved(request):
        # Without a session cookie request.user is never touched: reading it would mark
        # the session accessed and add "Vary: Cookie" to pages meant to be shared.
        return None
    if not hasattr(request, "_comments_reader"):
        request._comments_reader = import_string(comment_settings.READER_ACCOUNT)(request)
    return request._comments_reader


def sign_in_url(next_url):
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def check_may_post(request):
    """The reader posting: a signed-in Reader, or None for an anonymous reader.

    Raises PermissionDenied (403) when sign-in is required and missing, or the
    account has no verified address yet.
    """
    reader = signed_in_reader(request)
    if reader is None:
        if comment_settings.ACCOUNTS and comment_settings.REQUIRE_ACCOUNT:
            raise PermissionDenied(SIGN_IN_TO_REPLY)
        return None
    if not reader.email:
        raise PermissionDenied(VERIFY_TO_REPLY)
    return reader


def fill_from_account(data, reader):
    """The posted fields with the account's name and verified address in place of typed ones."""
    if reader is not None:
        data["name"], data["email"] = reader.name, reader.email
    return data


def account_sender(reader, sender):
    """The sender (comments.intake.Sender) with what the account proves: its replies are its
    own, its verified address is its owner's, and the reply is stored with the account."""
    if reader is None:
        return sender
    mine = Comment.objects.filter(user=reader.user).order_by("-pk").values_list("pk", flat=True)[:50]
    return replace(
        sender,
        own_ids=frozenset(sender.own_ids) | frozenset(mine),
        proven_commenters=frozenset(sender.proven_commenters)
        | {privacy.commenter_id(privacy.email_digest(reader.email))},
        user=reader.user,
    )


def page_context(request, next_url):
    """What the reply form needs to know about accounts."""
    reader = signed_in_reader(request)
    accounts = comment_settings.ACCOUNTS
    return {
        "reader": reader,
        "accounts_on": accounts,
        "account_required": accounts and comment_settings.REQUIRE_ACCOUNT and reader is None,
        "sign_in_url": sign_in_url(next_url) if accounts else "",
    }
