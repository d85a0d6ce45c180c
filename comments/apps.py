from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Replies"

    def ready(self):
        # Registering: the system checks, and the receivers of comments.events that the models send.
        from . import checks, tasks, triage  # noqa: F401
