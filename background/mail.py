"""Sending email from tasks so that a task run twice sends nothing twice."""

from django.core.mail import get_connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import SentMail


def recipient_key(address):
    """Keyed digest of a recipient address: the marker table never holds the address."""
    return salted_hmac("background.mail.recipient", address.strip().lower(), algorithm="sha256").hexdigest()


class MailNotSent(Exception):
    """A mail server refused or failed; carries the error class only, since SMTP errors quote addresses."""


def send_once(event, messages):
    """Send each message (one recipient each) unless it already went out for `event`.

    Returns how many were sent now. A mail server error propagates, so the task
    fails and is retried; the recipients served before it are not mailed again.
    The one remaining window — the server accepted a message and the worker was
    killed before the stamp — is milliseconds wide.
    """
    due = []
    for message in messages:
        (recipient,) = message.to
        marker, _ = SentMail.objects.get_or_create(event=event, recipient=recipient_key(recipient))
        if marker.sent_at is None:
            due.append((message, marker))
    if not due:
        return 0
    try:
        with get_connection() as connection:
            for message, marker in due:
                message.connection = connection
                message.send()
                SentMail.objects.filter(pk=marker.pk).update(sent_at=timezone.now())
    except Exception as exc:  # any mail failure: the task fails and is retried
        code = getattr(exc, "smtp_code", None)
        raise MailNotSent(f"{event}: {type(exc).__name__}{f' {code}' if code else ''}") from None
    return len(due)
