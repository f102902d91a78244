"""From a result to what it means for the person (M9): the lab reports per tube, and

- a positive pool puts every person in it under temporary isolation where they are (a home order) and gives
  each a single-tube re-test due within the rules' hours; an invalid pool is re-tested the same way;
- a positive single tube (a re-test, a same-day test, a scheduled one) moves the person into the case pathway,
  as a suspected or a confirmed case per the testing rules; the isolation stays until the case moves on;
- a negative re-test ends the temporary isolation it was placed for.

`testing`, `cases` and `quarantine` never import each other; pages, the API and the import call this module.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fangkong.batches import Outcome as BatchOutcome
from fangkong.cases import services as cases
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Reason
from fangkong.testing import services as testing
from fangkong.testing.models import Outcome, Purpose, Sample, SampleMember


def record_results(actor, entries: Sequence[testing.ResultInput], *, write: bool = True) -> list[BatchOutcome]:
    """Store the lab's results (testing.record_results: every entry checked first) and act on the new ones, in
    the same transaction: nothing of a result is half-done."""
    with transaction.atomic():
        outcomes = testing.record_results(actor, entries, write=write)
        if write:
            follow_up(actor, [o.record for o in outcomes if o.created])
    return outcomes


def enter_results(actor, entries: Sequence[testing.ResultInput]) -> list[BatchOutcome]:
    """A form's or the API's results: all stored, or none when one entry is refused (each problem names its tube)."""
    with transaction.atomic():
        testing.results_refused(testing.record_results(actor, entries, write=False), entries)
        return record_results(actor, entries)


def follow_up(actor, tubes: list[testing.Tube]) -> None:
    """What new results mean for the people in the tubes, set-based for a lab's batch of thousands: a negative pool
    means nothing more, so only the positive or invalid pools and the single tubes are read. Call inside the
    results' transaction."""
    now = timezone.now()
    rules = testing.rules()
    samples = list(Sample.objects.filter(pk__in=[t.id for t in tubes]).filter(
        Q(pool_size=1) | ~Q(outcome=Outcome.NEGATIVE)).order_by("id"))
    pools = [s for s in samples if s.pooled]
    singles = [s for s in samples if not s.pooled]
    positive_pool_people = list(SampleMember.objects.filter(
        sample__in=[s for s in pools if s.outcome == Outcome.POSITIVE]).order_by("id").values_list("person_id",
                                                                                                   flat=True))
    if positive_pool_people:
        quarantine.place_home_orders(actor, dict.fromkeys(positive_pool_people, now), reason=Reason.OTHER)
    testing.ask_retests(actor, pools + [s for s in singles if s.outcome == Outcome.INVALID], now)
    members = {m.sample_id: m.person for m in SampleMember.objects.filter(sample__in=singles).select_related("person")}
    for sample in singles:
        person = members[sample.pk]
        if sample.outcome == Outcome.POSITIVE:
            cases.case_on_positive_result(actor, person, confirmed=rules.positive_makes_confirmed,
                                          at=sample.resulted_at, note=sample.code)
        elif sample.outcome == Outcome.NEGATIVE and sample.purpose == Purpose.RETEST:
            pooled = Sample.objects.filter(retests__sample=sample).first()  # the pool this re-test was for
            since = pooled.resulted_at if pooled else sample.sampled_at
            quarantine.end_temporary_isolations(actor, [person.pk], since=since,
                                                note=f"re-test {sample.code} negative")
