"""Use cases of testing: tubes and their people, lab receipt and results, tests due, campaigns, coverage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .models import Outcome, Sample, SampleMember


@dataclass(frozen=True)
class Result:
    """One result that concerns a person: the tube's, so a pooled tube's result is the pool's, not theirs."""

    sample_id: int
    code: str
    sampled_at: dt.datetime
    resulted_at: dt.datetime
    outcome: str
    ct: Decimal | None
    pooled: bool

    @property
    def negative(self) -> bool:
        return self.outcome == Outcome.NEGATIVE


def results_of(person, *, single_only: bool = False) -> list[Result]:
    """Every result of a tube `person` was in, oldest sampling first (pending tubes left out).

    For a decision about the person (discharge after two negatives 24 h apart) pass `single_only=True`: a
    pooled tube's negative speaks for the pool. Reads no scope: the caller already holds the person."""
    members = SampleMember.objects.filter(person=person, sample__resulted_at__isnull=False)
    if single_only:
        members = members.filter(sample__pool_size=1)
    samples = Sample.objects.filter(pk__in=members.values("sample_id")).order_by("sampled_at", "id")
    return [Result(s.pk, s.code, s.sampled_at, s.resulted_at, s.outcome, s.ct, s.pooled) for s in samples]
