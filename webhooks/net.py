"""Outbound HTTP for webhooks, to the configured URL only and never into our own network (SSRF).

Every address the host name resolves to must be public (not loopback, private,
link-local, shared, reserved or multicast) unless COMMENTS_WEBHOOKS_ALLOW_PRIVATE
is on; the request then goes to the address that was checked, not to a second
lookup an attacker's DNS could answer differently (rebinding). HTTPS still
verifies the certificate against the host name. Redirects are not followed.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from .conf import webhook_settings

MAX_RESPONSE_BYTES = 64 * 1024  # what we read of a receiver's answer; the rest is ignored


class UnsafeURL(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def is_public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(url):
    """The checked Target of a webhook URL; raises UnsafeURL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURL(_("Use an http:// or https:// address."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (ValueError, UnicodeError, socket.gaierror):
        raise UnsafeURL(_("The host name does not resolve.")) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not webhook_settings.ALLOW_PRIVATE and not all(map(is_public, addresses)):
        raise UnsafeURL(_("The address resolves to a private, loopback or reserved network; webhooks go out only."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target, timeout):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target, timeout):
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url, body, headers):
    """POST `body` to `url`; returns (HTTP status, milliseconds). Raises UnsafeURL, OSError or HTTPException."""
    target = resolve(url)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout=webhook_settings.TIMEOUT)
    started = time.monotonic()
    try:
        connection.request("POST", target.path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return response.status, round((time.monotonic() - started) * 1000)
    finally:
        connection.close()
