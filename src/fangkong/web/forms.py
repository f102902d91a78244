"""How every page form is answered: run the service for a POST; when it refuses, show the same page again with
everything that was typed and each problem at its field; when it works, go back to a page of this site.

A form is written in a template with `{% form %}` and `{% field %}` (web/templatetags/form_tags.py): the form
sends the page it sits on as `next`, so a refusal re-renders that page, and success returns to it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.errors import FieldProblem, InputRefused
from fangkong.jurisdictions.models import Level


def safe_next(request, fallback, *args) -> str:
    """The `next` the request names when it is a page of this site, else `fallback` (a URL name or path).

    Every redirect to a target the client chose goes through here: `https://evil.example/` and `//evil.example`
    are not pages of this site, so they land on the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return target
    return resolve_url(fallback, *args)


class Submitted:
    """The form a refused POST came from: what was typed and the problems, for the page shown again."""

    def __init__(self, action: str, values: QueryDict, problems: list[FieldProblem], form: str | None = None):
        self.action, self.values, self.problems, self.form = action, values, problems, form  # form: its URL name
        self.shown = False  # set when the page renders the form again

    def problems_of(self, name: str, label=None) -> list[str]:
        return [p.text_on(self.form, label) for p in self.problems if p.field == name]


def submitted_for(request, action: str) -> Submitted | None:
    """The refused submission of the form posting to `action`, if this page is shown again because of it."""
    submitted = getattr(request, "submitted", None)
    return submitted if submitted is not None and submitted.action == action else None


def page_path(request) -> str:
    """The page the user is on: the one shown again after a refusal, not the URL the form posted to, nor the URL
    htmx fetched a part of the page from."""
    if getattr(request, "form_page", None):
        return request.form_page
    if request.headers.get("HX-Request") and request.headers.get("HX-Current-URL"):
        current = urlsplit(request.headers["HX-Current-URL"])
        return current.path + (f"?{current.query}" if current.query else "")
    return request.get_full_path()


def submit(request, action: Callable[[], object], success: str, fallback: str, *args,
           done: Callable[[object], HttpResponse] | None = None) -> HttpResponse:
    """Run `action()` for a POST. When it works: say `success` and go to `done(result)`, else back to the page the
    form sat on (`next`) or `fallback`. When it refuses: show that page again, status 200, with the typed values and
    every problem at its field."""
    try:
        result = action()
    except InputRefused as refused:
        return _show_again(request, refused, safe_next(request, fallback, *args))
    if success:  # `done` may say it instead, in another tone (a fever reading: in red)
        messages.success(request, success)
    return done(result) if done else redirect(safe_next(request, fallback, *args))


def _show_again(request, refused: InputRefused, page: str) -> HttpResponse:
    parts = urlsplit(page)
    try:
        match = resolve(parts.path)
    except Resolver404:
        match = resolve("/")
    request.submitted = Submitted(request.path, request.POST, refused.problems, request.resolver_match.url_name)
    request.form_page = page
    request.method, request.GET = "GET", QueryDict(parts.query)
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code == 200 and request.submitted.shown:
        return response
    # The form is no longer on its page (the alert was resolved meanwhile): say why at the top of the page instead.
    for problem in refused.problems:
        messages.error(request, problem.text_on(request.submitted.form))
    return response if response.status_code != 200 else match.func(request, *match.args, **match.kwargs)


def grid_choices(user, limit: int = 500) -> list[tuple[str, str]]:
    """The grids of the user's subtree as the choices of a destination field: "name (code)"."""
    grids = access.jurisdictions_for(user).filter(level=Level.GRID).order_by("code")[:limit]
    return [(g.code, f"{g.name} ({g.code})") for g in grids]


def form_key() -> str:
    """A fresh key for a form: sent back with the POST, so a double submit is stored once."""
    return uuid.uuid4().hex


# A yes/no select (a checkbox sends nothing when unticked, so a refused form could not show it again as typed).
YES_NO = [("", _("No")), ("1", _("Yes"))]


def posted_day(request, name: str) -> dt.date | None:
    """A date field of the form (YYYY-MM-DD), None when empty; anything else is refused naming the field."""
    raw = (request.POST.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputRefused((name, _("give a date like 2022-03-15"))) from None


def posted_moment(request, name: str) -> dt.datetime | None:
    """A date-and-time field (the browser's datetime-local, read in the user's time zone), None when empty."""
    raw = (request.POST.get(name) or "").strip()
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise InputRefused((name, _("give a date and time like 2022-03-15 14:30"))) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
