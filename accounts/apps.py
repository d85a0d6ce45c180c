from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Reader accounts (COMMENTS_ACCOUNTS): django-allauth set up for the newsroom.

    May import comments and articles; comments reaches it only through
    settings.COMMENTS_READER_ACCOUNT.
    """

    name = "accounts"
    verbose_name = _("Reader accounts")
