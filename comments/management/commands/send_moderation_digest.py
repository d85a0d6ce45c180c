from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from background.mail import MailNotSent
from comments import notifications
from comments.conf import comment_settings


class Command(BaseCommand):
    help = (
        "Email the moderators the held replies no email has mentioned yet, unless one went out within "
        "COMMENTS_NOTIFY_BATCH_SECONDS. Run it from cron every few minutes so a digest never waits for the "
        "next held reply."
    )

    def handle(self, *args, **options):
        waiting = notifications.unannounced().count()
        window_left = notifications.batch_window_left()
        try:
            sent = notifications.notify_moderators()
        except MailNotSent:
            sent = 0
        if sent:
            self.stdout.write(ngettext(
                "Listed %(n)d held reply in the moderators' email.",
                "Listed %(n)d held replies in the moderators' email.", sent,
            ) % {"n": sent})
            return
        # Nothing listed: say why, so "0" never hides replies that are waiting.
        if not waiting:
            why = "no held reply is waiting for an email."
        elif window_left:
            why = ngettext(
                "%(n)d held reply waits: an email went out less than %(window)d s ago "
                "(COMMENTS_NOTIFY_BATCH_SECONDS); it goes out with the first run in %(left)d s.",
                "%(n)d held replies wait: an email went out less than %(window)d s ago "
                "(COMMENTS_NOTIFY_BATCH_SECONDS); they go out with the first run in %(left)d s.", waiting,
            ) % {"n": waiting, "window": comment_settings.NOTIFY_BATCH_SECONDS, "left": window_left}
        elif not notifications.moderator_emails():
            why = ngettext(
                "%(n)d held reply waits, but no moderator has an email address (see COMMENTS_MODERATOR_EMAILS).",
                "%(n)d held replies wait, but no moderator has an email address (see COMMENTS_MODERATOR_EMAILS).",
                waiting,
            ) % {"n": waiting}
        else:
            why = ngettext(
                "%(n)d held reply waits: the email could not be sent (see the log).",
                "%(n)d held replies wait: the email could not be sent (see the log).", waiting,
            ) % {"n": waiting}
            if retry_in := notifications.batch_window_left():
                why += f" The first run in {retry_in} s tries again."
        self.stdout.write(f"Listed 0 held replies: {why}")
