"""A test result as the lab produces it: asked for, sampled (a tube), received by the lab, reported."""

import datetime as dt
import itertools

from django.utils import timezone

from fangkong.pathways import testing as testing_pathway
from fangkong.testing import services as testing
from fangkong.testing.models import Sample

_codes = itertools.count(1)


def lab_result(actor, person, outcome: str, *, hours_ago: float = 0, ct: str | None = None) -> Sample:
    """One single-tube result of `person`, sampled `hours_ago` (the tube's time, as the sampler's phone stamped
    it), reported now through the testing pathway (a positive moves the person into the case pathway)."""
    due = testing.ask_test(actor, person.pk, purpose="clinical")
    code = f"T-{next(_codes):06d}"
    sample = testing.take_sample(actor, due.pk, code)
    Sample.objects.filter(pk=sample.pk).update(sampled_at=timezone.now() - dt.timedelta(hours=hours_ago))
    testing.receive_tubes(actor, [code])
    ct = ct if ct is not None else ("38.0" if outcome == "negative" else "24.5" if outcome == "positive" else None)
    [result] = testing_pathway.enter_results(actor, [testing.ResultInput(code, outcome, ct)])
    assert result.refused is None, result.refused
    sample.refresh_from_db()
    return sample
