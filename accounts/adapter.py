"""allauth's hooks, set for the newsroom: no sign-up while accounts are off, and no
part of an address ever becomes a username or a display name."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_field, user_username
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from comments.conf import comment_settings

NAME_FIELDS = ("username", "name", "first_name", "last_name")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return comment_settings.ACCOUNTS

    def save_user(self, request, user, form, commit=True):
        # The display name asked at sign-up (accounts.forms), in place before the username is made from it.
        if name := form.cleaned_data.get("name"):
            user_field(user, "first_name", name.strip())
        return super().save_user(request, user, form, commit)

    def populate_username(self, request, user):
        # allauth falls back on the address's local part ("jane.doe"): a name made from it
        # would publish part of the address. The display name, or "reader", instead.
        if user_username(user):
            return
        first, last = user_field(user, "first_name"), user_field(user, "last_name")
        user_username(user, self.generate_unique_username([first, last, "reader"]))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return comment_settings.ACCOUNTS

    def populate_user(self, request, sociallogin, data):
        # Many providers send the address as preferred_username (some even as the name).
        data = {k: ("" if k in NAME_FIELDS and "@" in (v or "") else v) for k, v in data.items()}
        return super().populate_user(request, sociallogin, data)
