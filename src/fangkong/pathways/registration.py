"""Registration → assist request: someone registered with one unit whose record another grid holds; that grid is
asked (协查) to confirm where they live. People sends `registered_beyond_reach` inside its transaction; screening
keeps the requests; this module connects the two (at start-up, `PathwaysConfig.ready`)."""

from __future__ import annotations

from fangkong.screening import services as screening


def ask_owners(sender, *, actor, foreign, source, now, **_signal) -> None:
    screening.ask_owners(actor, foreign, source=source, now=now)
