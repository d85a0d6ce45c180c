from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        # Connecting to the comments app's signals needs its modules, which need the app registry ready.
        from comments import events

        from . import checks, tasks  # noqa: F401 (checks: registers the system checks)

        events.reply_event.connect(tasks.on_reply_event, dispatch_uid="webhooks.reply_event")
        events.commenter_banned.connect(tasks.on_commenter_banned, dispatch_uid="webhooks.commenter_banned")
