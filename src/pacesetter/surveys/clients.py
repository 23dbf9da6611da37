"""Who is answering, as far as a public survey can tell: the address and the device cookie."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpRequest

DEVICE_COOKIE = "ps_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXIES`` proxies the
    address the outermost trusted proxy saw (``X-Forwarded-For`` is appended to by each proxy,
    so only its last entries can be trusted; a client may write anything before them)."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                     if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def device_id(request: HttpRequest) -> tuple[str, bool]:
    """The device cookie's value, and whether it is new (to be set on the response)."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if 16 <= len(value) <= 64 and value.isascii():
        return value, False
    return secrets.token_urlsafe(24), True
