"""An author's own reply: the edit page and the delete page (comments/authoring.py).

Plain pages and POSTs, so they work without JavaScript. Per reader, so private
and never stored by a cache; guarded like the reply form (cross-origin check,
and Django's CSRF token where a session is involved).
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from newsroom.cross_origin import csrf_token_for_sessions, session_involved

from . import authoring
from .http import HttpResponseSeeOther
from .models import Comment
from .moderation import Refused
from .readers import signed_in_reader
from .threads import reply_message_tag


class EditForm(forms.ModelForm):
    """The reply's text alone, with the model field's checks (length, text left once sanitised)."""

    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": gettext_lazy("Comment")}
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


def _own_reply(request, pk):
    """The reply if this reader wrote it; a 404 otherwise, as for a reply that does not exist."""
    if pk > 2**62:  # past a database id: as missing, not a database error
        raise Http404
    reply = authoring.authored(request).select_related("article").filter(pk=pk).first()
    if reply is None:
        raise Http404
    return reply


def _page(request, template, context, status=200):
    context["session_involved"] = session_involved(request)
    response = render(request, template, context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _account(request):
    reader = signed_in_reader(request)
    return reader.user if reader is not None else None


@csrf_token_for_sessions
@require_http_methods(["GET", "POST"])
def edit_comment(request, pk):
    reply = _own_reply(request, pk)
    if not authoring.may_edit(reply):
        return _page(request, "comments/edit.html", {"reply": reply, "closed": True}, status=403)
    # Unbound to the instance: the form only checks the text; authoring.edit() applies it.
    form = EditForm(request.POST if request.method == "POST" else None, initial={"body": reply.body})
    context = {"reply": reply, "form": form, "closes_at": authoring.edit_closes_at(reply)}
    if request.method == "GET" or not form.is_valid():
        return _page(request, "comments/edit.html", context, status=200 if request.method == "GET" else 400)
    try:
        reply = authoring.edit(reply, form.cleaned_data["body"], by=_account(request),
                               own=frozenset(authoring.own_ids(request)))
    except Refused as refused:
        form.add_error(None, refused.verdict.message)
        return _page(request, "comments/edit.html", context, status=refused.verdict.status_code)
    messages.success(request, _("Your reply was updated."), extra_tags=reply_message_tag(reply))
    return HttpResponseSeeOther(reply.get_absolute_url())


@csrf_token_for_sessions
@require_http_methods(["GET", "POST"])
def delete_comment(request, pk):
    reply = _own_reply(request, pk)
    if request.method == "GET":
        return _page(request, "comments/delete.html", {"reply": reply})
    article = reply.article
    deleted, _kept = authoring.delete(reply, by=_account(request))
    messages.success(request, _("Your reply was deleted.") if deleted else
                     _("Your reply's text was removed; its place stays because others answered it."))
    return HttpResponseSeeOther(article.get_absolute_url() + "#comments")
