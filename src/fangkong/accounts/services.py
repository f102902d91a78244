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
from fangkong.errors import Conflict, InputRefused
from fangkong.jurisdictions.models import Jurisdiction

from .models import ApiToken, LoginFailure, Role, User

TOKEN_PREFIX = "fk_"


def create_user(*, username: str, password: str, role: str, jurisdiction_code: str, full_name: str = "",
                validate: bool = True) -> User:
    problems = []
    username = (username or "").strip()
    if not username:
        problems.append(("username", _("a user name is required")))
    elif User.objects.filter(username=username).exists():
        raise Conflict(("username", _("user %(u)s already exists") % {"u": username}))
    if role not in Role.values:
        problems.append(("role", _("unknown role %(r)s; roles: %(all)s") % {"r": role, "all": ", ".join(Role.values)}))
    jurisdiction = Jurisdiction.objects.filter(code=jurisdiction_code).first()
    if jurisdiction is None:
        problems.append(("jurisdiction", _("unknown jurisdiction code %(code)s") % {"code": jurisdiction_code}))
    if validate:
        try:
            validate_password(password)
        except ValidationError as exc:
            problems.extend(("password", m) for m in exc.messages)
    if problems:
        raise InputRefused(*problems)
    user = User(username=username, role=role, jurisdiction=jurisdiction, full_name=full_name)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit.record_change(None, Action.USER_CREATED, user, before={},
                            after={"username": username, "role": role, "jurisdiction": jurisdiction.code})
    return user


def _recent_failures(username: str) -> int:
    since = timezone.now() - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    return LoginFailure.objects.filter(username=username, at__gte=since).count()


def log_in(request, username: str, password: str) -> User:
    """Check a password, refusing after too many recent failures for that user name."""
    username = (username or "").strip()
    if _recent_failures(username) >= settings.LOGIN_FAILURE_LIMIT:
        audit.record(None, Action.LOGIN_REFUSED, username=username, why="throttled")
        raise InputRefused(("username", _("too many failed logins; try again in %(m)d minutes")
                            % {"m": settings.LOGIN_FAILURE_WINDOW_MINUTES}))
    user = authenticate(request, username=username, password=password)
    if user is None:
        LoginFailure.objects.create(username=username, ip=_ip(request))
        audit.record(None, Action.LOGIN_REFUSED, username=username, why="wrong password")
        raise InputRefused(("password", _("wrong user name or password")))
    LoginFailure.objects.filter(username=username).delete()
    audit.record(user, Action.LOGIN)
    return user


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


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
    token = (ApiToken.objects.select_related("user", "user__jurisdiction")
             .filter(key_hash=_hash_token(raw or ""), revoked_at=None, user__is_active=True).first())
    if token is None:
        return None
    now = timezone.now()
    # Writing on every call would turn each read into a write; a minute's precision is enough.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
