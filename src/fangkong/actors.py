"""How the current piece of work reached us: the channel (web, api, cli, import) and the client's address.

Set once at each entry (the middleware for pages and the API, the `fangkong` command, the import steps)
and read by `audit.services`, so no service has to be told where its caller came from.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from fangkong.net import client_ip

WEB, API, CLI, IMPORT = "web", "api", "cli", "import"
API_PREFIX = "/api/"


@dataclass(frozen=True)
class Actor:
    channel: str = ""
    ip: str | None = None


# Actor is frozen: the one default shared by every context cannot be changed through it.
_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("fangkong_actor", default=Actor())  # noqa: B039


def current() -> Actor:
    return _current.get()


_SAME = object()


@contextmanager
def acting(channel: str, *, ip=_SAME) -> Iterator[Actor]:
    """Work done inside comes through `channel`; the client's address stays the one in force unless given
    (an import stepped from a page keeps the page's)."""
    actor = replace(current(), channel=channel) if ip is _SAME else Actor(channel, ip)
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


class ActorMiddleware:
    """A request under /api/ comes through the API, any other through the pages; both from the client's IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = API if request.path.startswith(API_PREFIX) else WEB
        with acting(channel, ip=client_ip(request)):
            return self.get_response(request)
