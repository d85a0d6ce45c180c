"""A signed-in reader's own page: their replies with statuses, their data as JSON, erasure.

Export and erasure are comments.personal_data's, the operator commands' code,
applied to the addresses this account has verified.
"""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from comments import personal_data, privacy
from comments.models import Comment

from .readers import display_name, verified_emails


def _digests(user):
    """The commenter digests this account speaks for: its verified addresses, and those its replies were posted with."""
    digests = {privacy.email_digest(email) for email in verified_emails(user)}
    digests |= set(Comment.objects.filter(user=user).exclude(email_digest="").values_list("email_digest", flat=True))
    return digests


def _replies(user):
    return (
        Comment.objects.filter(Q(user=user) | Q(email_digest__in=_digests(user)))
        .select_related("article").order_by("-created_at", "-pk")
    )


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_GET
def profile(request):
    context = {"name": display_name(request.user), "replies": _replies(request.user)[:200]}
    return _private(render(request, "accounts/profile.html", context))


@login_required
@require_GET
def export(request):
    """Everything stored with this reader's replies, as a JSON download (no address in it)."""
    replies = [reply for digest in sorted(_digests(request.user)) for reply in personal_data.export(digest)]
    data = {
        "name": display_name(request.user),
        "joined": request.user.date_joined.isoformat(),
        "exported_at": timezone.now().isoformat(),
        "replies": sorted(replies, key=lambda reply: (reply["created"], reply["id"])),
    }
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-replies.json"'
    return _private(response)


@login_required
@require_http_methods(["GET", "POST"])
def erase(request):
    """GET asks; POST erases every reply of this reader as erase_commenter does, then closes the account."""
    user = request.user
    if request.method == "GET":
        return _private(render(request, "accounts/erase.html", {"count": _replies(user).count()}))
    deleted = kept = 0
    for digest in _digests(user):
        d, k = personal_data.erase(digest)
        deleted, kept = deleted + d, kept + k
    logout(request)
    user.delete()  # its addresses and provider links go with it
    messages.success(request, _("Your replies and your account were erased."))
    return redirect("article_list")
