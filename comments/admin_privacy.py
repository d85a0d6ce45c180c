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

from . import personal_data, privacy
from .models import Comment

ERASE_PERMISSION = "comments.erase_commenter_data"
EMAIL_PERMISSION = "comments.view_commenter_email"
ACTIONS = ["erase_commenters", "anonymise_commenters", "export_commenters"]


def _replies(n):
    return f"{n} repl{'y' if n == 1 else 'ies'}"


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

    @admin.action(description="Erase all replies of the selected replies’ commenters")
    def erase_commenters(self, request, queryset):
        return self._erase(request, queryset, "erase_commenters", anonymise=False)

    @admin.action(description="Anonymise all replies of the selected replies’ commenters")
    def anonymise_commenters(self, request, queryset):
        return self._erase(request, queryset, "anonymise_commenters", anonymise=True)

    @admin.action(description="Export the data of the selected replies’ commenters (JSON)")
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
            if anonymise:
                text = f"Anonymised {_replies(kept)} of {len(digests)} commenter(s)."
            else:
                text = (f"Deleted {_replies(deleted)} of {len(digests)} commenter(s); kept {kept} as anonymous "
                        "placeholders without their text, because others replied to them.")
            self.message_user(request, text, messages.SUCCESS)
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
            "title": "Anonymise commenters" if anonymise else "Erase commenters",
            "opts": self.opts,
            "anonymise": anonymise,
            "action": action,
            "commenters": commenters,
            "selected": queryset.values_list("pk", flat=True),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/comments/erase_commenters.html", context)
