"""Helpers that keep the promise "Your email address will not be published".

The address is stored once, on the reply, and never rendered. Everything that
needs to recognise a commenter (bans, history, trusted mode, admin search) uses
a keyed HMAC of the normalised address: stable for grouping, useless to anyone
without the key, unlike a plain or unsalted hash that a dictionary reverses.
"""

import hmac
import ipaddress
import re
from hashlib import sha256

from .conf import comment_settings

MASK = "\u2022\u2022\u2022"


def normalise_email(email):
    return email.strip().lower()


def keyed_digest(purpose, value):
    """HMAC-SHA256 (hex) of `value`, with a key of its own for each purpose."""
    key = f"newsroom.comments.{purpose}:{comment_settings.EMAIL_DIGEST_KEY}".encode()
    return hmac.new(key, value.encode(), sha256).hexdigest()


def email_digest(email):
    """Keyed HMAC of the normalised address: groups a commenter's replies, bans them."""
    return keyed_digest("email", normalise_email(email))


def commenter_id(digest):
    """Opaque public id for a commenter: derived from the digest, not reversible to it."""
    return keyed_digest("commenter", digest)[:16]


def mask_email(email):
    """'jane@example.com' -> 'j•••@e•••.com'; enough for a moderator to tell addresses apart."""
    local, _, domain = email.rpartition("@")
    if not local or not domain:
        return MASK
    host, dot, tld = domain.rpartition(".")
    if not dot:
        return f"{local[0]}{MASK}@{domain[0]}{MASK}"
    return f"{local[0]}{MASK}@{host[0]}{MASK}.{tld}"


def mask_ip(address):
    """'203.0.113.7' -> '203.0.113.x'; IPv6 keeps its /48: enough to see a shared network."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return MASK
    if ip.version == 4:
        return address.rsplit(".", 1)[0] + ".x"
    return str(ipaddress.ip_network(f"{ip}/48", strict=False).network_address).rstrip(":") + "::x"


def mask_user_agent(user_agent):
    """The products a browser names, without versions or platform details: 'Mozilla AppleWebKit Chrome Safari'."""
    products = re.findall(r"([A-Za-z][A-Za-z-]{1,30})/[0-9]", user_agent or "")
    return " ".join(dict.fromkeys(products)) or (MASK if user_agent else "")
