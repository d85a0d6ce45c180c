from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Replies")

    def ready(self):
        # Registering: the system checks, and the receivers of comments.events that the models send.
        from . import checks, tasks, triage  # noqa: F401
