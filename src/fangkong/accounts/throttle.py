"""Login throttling: failed logins counted per client address and per existing user, answered with growing
delays rather than a lockout, and the known-device cookie that lets a user past the throttle on their name.

Both counters live in `LoginThrottle`, one row per key. A user name that does not exist gets no row of its
own (its failures count against the address only), so a spray of invented names cannot grow the table; rows
are keyed by an HMAC, so the table holds no addresses, and rows quiet for the window are deleted.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import LoginThrottle

KNOWN_DEVICE_COOKIE = "fangkong_device"
_KNOWN_DEVICE_SALT = "fangkong.accounts.known-device"
KNOWN_DEVICE_DAYS = 180
KNOWN_DEVICE_USERS = 8  # a shared terminal remembers its last few users


def address_key(ip: str | None, purpose: str = "address") -> str:
    """An IPv6 client holds a whole /64, so the /64 is the address counted. `purpose` keeps counters apart: failed
    logins ("address"), reports from the public ("public-report")."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        network = "unknown"
    else:
        network = str(ipaddress.ip_network(f"{address}/64", strict=False)) if address.version == 6 else str(address)
    return _key(f"{purpose}:{network}")


def user_key(user_id: int) -> str:
    return _key(f"user:{user_id}")


def _key(value: str) -> str:
    return salted_hmac("fangkong.accounts.login-throttle", value, algorithm="sha256").hexdigest()


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def blocked_until(key: str) -> dt.datetime | None:
    """When the key may try again, if it is waiting now."""
    return (LoginThrottle.objects.filter(key=key, blocked_until__gt=timezone.now())
            .values_list("blocked_until", flat=True).first())


def delay_after(failures: int, limit: int) -> dt.timedelta:
    """No wait before the limit; from it, the first delay, doubled by each further failure, capped."""
    if failures < limit:
        return dt.timedelta(0)
    seconds = settings.LOGIN_DELAY_SECONDS * 2 ** min(failures - limit, 32)
    return min(dt.timedelta(seconds=seconds), dt.timedelta(minutes=settings.LOGIN_DELAY_MAX_MINUTES))


@transaction.atomic
def record_failure(key: str, limit: int) -> None:
    now = timezone.now()
    LoginThrottle.objects.filter(last_failure_at__lt=now - _window()).delete()
    row, _created = LoginThrottle.objects.select_for_update().get_or_create(
        key=key, defaults={"failures": 0, "last_failure_at": now})
    row.failures += 1
    row.last_failure_at = now
    wait = delay_after(row.failures, limit)
    row.blocked_until = now + wait if wait else None
    row.save()


def forget(key: str) -> None:
    LoginThrottle.objects.filter(key=key).delete()


def minutes_until(moment: dt.datetime) -> int:
    return max(1, math.ceil((moment - timezone.now()).total_seconds() / 60))


def known_device_users(request) -> list[int]:
    """The users who logged in successfully from this browser before, from its signed cookie."""
    try:
        value = request.get_signed_cookie(KNOWN_DEVICE_COOKIE, salt=_KNOWN_DEVICE_SALT,
                                          max_age=dt.timedelta(days=KNOWN_DEVICE_DAYS))
    except (KeyError, signing.BadSignature):
        return []
    return [int(part) for part in value.split(".") if part.isdigit()]


def remember_device(request, response, user) -> None:
    """Set after a successful login: this browser is now one the user logs in from."""
    users = [user.pk, *(pk for pk in known_device_users(request) if pk != user.pk)][:KNOWN_DEVICE_USERS]
    response.set_signed_cookie(KNOWN_DEVICE_COOKIE, ".".join(map(str, users)), salt=_KNOWN_DEVICE_SALT,
                               max_age=KNOWN_DEVICE_DAYS * 24 * 3600, httponly=True, samesite="Lax",
                               secure=settings.SESSION_COOKIE_SECURE)
