from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class CanModerate(BasePermission):
    """Holders of comments.moderate_comment, the permission the admin queue asks for.

    DRF answers 401 when no credentials came (the first authentication class
    names the scheme in WWW-Authenticate) and 403 to an account without it.
    """

    message = _("You do not have permission to moderate replies.")

    def has_permission(self, request, view):
        return request.user.has_perm("comments.moderate_comment")
