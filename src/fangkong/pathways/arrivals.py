"""Arrival → home observation: an arrival from a high-risk area is registered with its grid (screening) and put
under home observation from the moment they arrived (quarantine), in one transaction. Pages, the API and the
arrival register's import call this, never screening alone."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from fangkong.batches import Outcome
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Reason
from fangkong.screening import services as screening


def register_arrivals(actor, entries: Sequence[screening.ArrivalInput], *, keys: Sequence[str | None] | None = None,
                      write: bool = True) -> list[Outcome]:
    """Check and store a batch of arrivals (`write=False`: only say what would be stored); those whose follow-up
    is observation are placed under home observation, or keep the order they are already under."""
    with transaction.atomic():
        outcomes = screening.register_arrivals(actor, entries, keys=keys, write=write)
        new = [o.record for o in outcomes if o.created]
        starts = screening.observation_starts(new)
        if starts:
            screening.attach_orders(new, quarantine.place_home_orders(actor, starts, reason=Reason.RISK_AREA))
    return outcomes


def register_arrival(actor, data: screening.ArrivalInput, *, idempotency_key: str | None = None):
    """One arrival (a form, the API): (arrival, created); a repeated key is counted once."""
    [outcome] = register_arrivals(actor, [data], keys=[idempotency_key])
    if outcome.refused:
        raise outcome.refused
    return outcome.record, outcome.created
