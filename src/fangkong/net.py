"""Where a request comes from: the one place that reads the client's address."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address. With no trusted proxy (FANGKONG_TRUSTED_PROXIES=0) it is REMOTE_ADDR: a
    forwarded header would be the client's own claim. Behind N trusted proxies, each appends the address
    it received from to X-Forwarded-For, so the client is the N-th entry from the right; anything further
    left was written by the client and is ignored."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote  # reached us without passing the proxies
    claimed = forwarded[max(0, len(forwarded) - proxies)]
    try:
        return str(ipaddress.ip_address(claimed))
    except ValueError:
        return remote
