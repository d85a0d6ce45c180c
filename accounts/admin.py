"""Account addresses under the commenters' promise: masked in the admin without the reveal permission.

Django's and allauth's own admins list and search addresses in full; they are
replaced here. Whoever may see users (auth.view_user) but not addresses
(comments.view_commenter_email) gets "j•••@e•••.com", no address search, no
provider data (which carries the address) and no list of addresses. Provider apps come from the
environment (settings.SOCIALACCOUNT_PROVIDERS), tokens are not stored: neither
has an admin.
"""

import allauth.account.admin
import allauth.socialaccount.admin  # noqa: F401
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from comments.admin_privacy import EMAIL_PERMISSION
from comments.privacy import mask_email
from newsroom.admin_lookups import FilterLookupsOnly

User = get_user_model()

for model in (User, EmailAddress, SocialAccount, SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def may_see_addresses(request):
    return request.user.has_perm(EMAIL_PERMISSION)


@admin.display(description=_("email address"))
def masked_email(obj):
    return mask_email(obj.email) if obj.email else ""


@admin.register(User)
class AccountUserAdmin(FilterLookupsOnly, UserAdmin):
    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if may_see_addresses(request) else [masked_email if f == "email" else f for f in shown]

    def get_search_fields(self, request):
        fields = ["username", "first_name", "last_name"]
        return [*fields, "email"] if may_see_addresses(request) else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if may_see_addresses(request):
            return fieldsets
        return [
            (name, {**options, "fields": [masked_email if f == "email" else f for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if may_see_addresses(request) else [*readonly, masked_email]


@admin.register(EmailAddress)
class AccountEmailAdmin(FilterLookupsOnly, admin.ModelAdmin):
    """Only for holders of the reveal permission: each row *is* an address (titles, breadcrumbs, history)."""

    list_display = ["email", "user", "primary", "verified"]
    list_filter = ["primary", "verified"]
    search_fields = ["email", "user__username"]
    raw_id_fields = ["user"]

    def has_module_permission(self, request):
        return may_see_addresses(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return may_see_addresses(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return may_see_addresses(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return may_see_addresses(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return may_see_addresses(request) and super().has_delete_permission(request, obj)


@admin.register(SocialAccount)
class AccountProviderAdmin(FilterLookupsOnly, admin.ModelAdmin):
    list_display = ["user", "provider", "last_login", "date_joined"]
    list_filter = ["provider"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]

    def get_fields(self, request, obj=None):
        # The provider's claims (extra_data) hold the address, and uid may be one.
        personal = ["uid", "extra_data"] if may_see_addresses(request) else []
        return ["user", "provider", *personal, "last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)
