"""The answer to settings.COMMENTS_READER_ACCOUNT: who is signed in, for the comments app."""

from allauth.account.models import EmailAddress
from django.utils.translation import gettext

from comments.readers import Reader


def display_name(user):
    """The name replies show: the one given at sign-up (or by the identity provider), never the address."""
    name = " ".join((user.get_full_name() or user.get_username()).split())[:100]
    return name if name and "@" not in name else gettext("Reader")


def verified_emails(user):
    """The account's verified addresses, primary first."""
    rows = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "pk")
    return list(rows.values_list("email", flat=True))


def signed_in_reader(request):
    user = request.user
    if not user.is_authenticated:
        return None
    emails = verified_emails(user)
    return Reader(user=user, name=display_name(user), email=emails[0] if emails else "")
