"""Erasure and data-access requests as actions on the reply list.

``PersonalDataActions`` is a mixin for ``CommentAdmin``: it adds three actions
for users holding ``comments.erase_commenter_data``, whatever the admin's own
``actions`` list says. They act on the *commenters* of the selected replies —
every reply with the same email digest — through ``comments.personal_data``,
the same code the ``erase_commenter`` and ``export_commenter`` commands run.
The export download carries no email address: no admin response does.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import personal_data, privacy
from .models import Comment

ERASE_PERMISSION = "comments.erase_commenter_data"
EMAIL_PERMISSION = "comments.view_commenter_email"
ACTIONS = ["erase_commenters", "anonymise_commenters", "export_commenters"]


def _erased_message(deleted, kept, commenters, anonymise):
    """ "Deleted 5 replies of 2 commenters; kept 3 as …": each count with its own plural."""
    of = ngettext("of %(n)d commenter", "of %(n)d commenters", commenters) % {"n": commenters}
    if anonymise:
        done = ngettext("Anonymised %(n)d reply", "Anonymised %(n)d replies", kept) % {"n": kept}
        return f"{done} {of}."
    done = ngettext("Deleted %(n)d reply", "Deleted %(n)d replies", deleted) % {"n": deleted}
    placeholders = ngettext(
        "kept %(n)d as an anonymous placeholder without its text, because others replied to it.",
        "kept %(n)d as anonymous placeholders without their text, because others replied to them.",
        kept,
    ) % {"n": kept}
    return f"{done} {of}; {placeholders}"


class PersonalDataActions:
    def has_erase_commenter_data_permission(self, request):
        return request.user.has_perm(ERASE_PERMISSION)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        if self.has_erase_commenter_data_permission(request):
            actions.update((name, self.get_action(name)) for name in ACTIONS)
        return actions

    @admin.action(description=_("Erase all replies of the selected replies’ commenters"))
    def erase_commenters(self, request, queryset):
        return self._erase(request, queryset, "erase_commenters", anonymise=False)

    @admin.action(description=_("Anonymise all replies of the selected replies’ commenters"))
    def anonymise_commenters(self, request, queryset):
        return self._erase(request, queryset, "anonymise_commenters", anonymise=True)

    @admin.action(description=_("Export the data of the selected replies’ commenters (JSON)"))
    def export_commenters(self, request, queryset):
        data = {
            "exported_at": timezone.now().isoformat(),
            "commenters": [
                {"commenter": privacy.commenter_id(digest), "replies": personal_data.export(digest)}
                for digest in self._digests(queryset)
            ],
        }
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
        return response

    def _digests(self, queryset):
        return sorted(set(queryset.exclude(email_digest="").values_list("email_digest", flat=True)))

    def _erase(self, request, queryset, action, *, anonymise):
        """Ask first (like delete_selected); on the confirmed POST erase each commenter."""
        digests = self._digests(queryset)
        if request.POST.get("post") == "yes":
            deleted = kept = 0
            for digest in digests:
                d, k = personal_data.erase(digest, anonymise=anonymise, by=request.user)
                deleted, kept = deleted + d, kept + k
            self.message_user(request, _erased_message(deleted, kept, len(digests), anonymise), messages.SUCCESS)
            return None
        commenters = []
        for digest in digests:
            replies = Comment.objects.filter(email_digest=digest).order_by("created_at")
            first = replies.only("name", "email").first()
            commenters.append({
                "commenter": privacy.commenter_id(digest),
                "name": first.name,
                "masked_email": first.masked_email,
                "replies": replies.count(),
            })
        context = {
            **self.admin_site.each_context(request),
            "title": _("Anonymise commenters") if anonymise else _("Erase commenters"),
            "opts": self.opts,
            "anonymise": anonymise,
            "action": action,
            "commenters": commenters,
            "selected": queryset.values_list("pk", flat=True),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/comments/erase_commenters.html", context)
