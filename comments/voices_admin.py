"""The admin's part of the newsroom voices: "Reply as staff" on a reply's change page, staff titles."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from newsroom.admin_lookups import FilterLookupsOnly

from . import staff
from .models import Comment
from .voices import StaffProfile


def staff_reply_form(request, reply):
    """The change page's "Reply as staff" form, for holders of the permission, under a published reply."""
    if reply is None or not staff.may_reply_as_staff(request.user):
        return None
    if not Comment.objects.public().filter(pk=reply.pk).exists():
        return None
    return staff.StaffReplyForm(article=reply.article, initial={"parent": reply.pk})


def staff_reply(model_admin, request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not staff.may_reply_as_staff(request.user):
        raise PermissionDenied
    parent = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    form = staff.StaffReplyForm({**request.POST.dict(), "parent": parent.pk}, article=parent.article)
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        model_admin.message_user(request, _("Your reply was not posted: %(errors)s") % {"errors": errors},
                                 messages.ERROR)
        return redirect("admin:comments_comment_change", parent.pk)
    reply = staff.post_staff_reply(request.user, parent.article, form.cleaned_data["body"], form.cleaned_data["parent"])
    model_admin.message_user(request, _("Your staff reply is published."), messages.SUCCESS)
    return redirect("admin:comments_comment_change", reply.pk)


@admin.register(StaffProfile)
class StaffProfileAdmin(FilterLookupsOnly, admin.ModelAdmin):
    list_display = ["user", "title"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "title"]
    raw_id_fields = ["user"]
