from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = _("Background work")

    def ready(self):
        from . import checks, retries  # noqa: F401  (registers the checks; connects the retry scheduler)
