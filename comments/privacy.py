"""Helpers that keep the promise "Your email address will not be published".

The address is stored once, on the reply, and never rendered. Everything that
needs to recognise a commenter (bans, history, trusted mode, admin search) uses
a keyed HMAC of the normalised address: stable for grouping, useless to anyone
without the key, unlike a plain or unsalted hash that a dictionary reverses.
"""

import hmac
from hashlib import sha256

from django.conf import settings

MASK = "\u2022\u2022\u2022"


def normalise_email(email):
    return email.strip().lower()


def email_digest(email):
    """Keyed HMAC-SHA256 of the normalised address (hex)."""
    key = ("newsroom.comments.email:" + settings.COMMENTS_EMAIL_DIGEST_KEY).encode()
    return hmac.new(key, normalise_email(email).encode(), sha256).hexdigest()


def commenter_id(digest):
    """Opaque public id for a commenter: derived from the digest, not reversible to it."""
    key = ("newsroom.comments.commenter:" + settings.COMMENTS_EMAIL_DIGEST_KEY).encode()
    return hmac.new(key, digest.encode(), sha256).hexdigest()[:16]


def mask_email(email):
    """'jane@example.com' -> 'j•••@e•••.com'; enough for a moderator to tell addresses apart."""
    local, _, domain = email.rpartition("@")
    if not local or not domain:
        return MASK
    host, dot, tld = domain.rpartition(".")
    if not dot:
        return f"{local[0]}{MASK}@{domain[0]}{MASK}"
    return f"{local[0]}{MASK}@{host[0]}{MASK}.{tld}"
