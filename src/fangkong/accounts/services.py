"""Use cases of accounts: create users, log in with throttling, make and check API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import Conflict, InputRefused, Problems
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.net import client_ip

from . import throttle
from .models import ApiToken, Role, User

TOKEN_PREFIX = "fk_"


def create_user(*, username: str, password: str, role: str, jurisdiction_code: str, full_name: str = "",
                validate: bool = True) -> User:
    problems = Problems()
    username = (username or "").strip()
    if not username:
        problems.add("username", _("a user name is required"))
    elif User.objects.filter(username=username).exists():
        raise Conflict(("username", _("user %(u)s already exists") % {"u": username}))
    if role not in Role.values:
        problems.add("role", _("unknown role %(r)s; roles: %(all)s") % {"r": role, "all": ", ".join(Role.values)})
    jurisdiction = Jurisdiction.objects.filter(code=jurisdiction_code).first()
    if jurisdiction is None:
        problems.add("jurisdiction", _("unknown jurisdiction code %(code)s") % {"code": jurisdiction_code})
    if validate:
        try:
            validate_password(password)
        except ValidationError as exc:
            for message in exc.messages:
                problems.add("password", message)
    problems.refuse_if_any()
    user = User(username=username, role=role, jurisdiction=jurisdiction, full_name=full_name)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit.record_change(None, Action.USER_CREATED, user, before={},
                            after={"username": username, "role": role, "jurisdiction": jurisdiction.code})
    return user


def log_in(request, username: str, password: str) -> User:
    """Check a password. An address or a user name with too many recent failures waits, longer after each
    further failure; the wait on a user name does not apply on a device the user has logged in from before,
    so a spray against their name cannot keep them out."""
    username = (username or "").strip()
    ip = client_ip(request)
    user_id = User.objects.filter(username=username).values_list("pk", flat=True).first()
    address = (throttle.address_key(ip), settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    counted = [address]
    if user_id is not None:
        counted.append((throttle.user_key(user_id), settings.LOGIN_FAILURE_LIMIT))
    # On a device the user has logged in from before, only the address can make them wait.
    waits_on = [address] if user_id in throttle.known_device_users(request) else counted
    for key, _limit in waits_on:
        until = throttle.blocked_until(key)
        if until is not None:
            audit.record(None, Action.LOGIN_REFUSED, ip=ip, username=username, why="throttled")
            raise InputRefused(("username", _("too many failed logins; try again in %(m)d minutes")
                                % {"m": throttle.minutes_until(until)}))
    user = authenticate(request, username=username, password=password)
    if user is None:
        for key, limit in counted:
            throttle.record_failure(key, limit)
        audit.record(None, Action.LOGIN_REFUSED, ip=ip, username=username, why="wrong password")
        raise InputRefused(("password", _("wrong user name or password")))
    # The address keeps its count: one valid account must not buy a sprayer fresh tries.
    throttle.forget(throttle.user_key(user.pk))
    audit.record(user, Action.LOGIN, ip=ip)
    return user


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(username: str, name: str = "") -> str:
    """Make an API token for `username`; the token itself is returned once and never stored."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InputRefused(("user", _("no active user %(u)s") % {"u": username}))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=_hash_token(raw), prefix=raw[:8])
    audit.record(user, Action.TOKEN_CREATED, name=name)
    return raw


def user_for_token(raw: str) -> User | None:
    """Not throttled: a token carries 256 random bits (create_token), so no rate of guessing finds one, and a
    wrong one costs a single indexed lookup."""
    token = (ApiToken.objects.select_related("user", "user__jurisdiction")
             .filter(key_hash=_hash_token(raw or ""), revoked_at=None, user__is_active=True).first())
    if token is None:
        return None
    now = timezone.now()
    # Writing on every call would turn each read into a write; a minute's precision is enough.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
