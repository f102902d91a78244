"""One person's whole story, in time order, across every domain that holds a record of them: registrations,
arrivals, checkpoint entries and handovers, observation orders and their readings, alerts, the symptom ledger,
samples and results, case events. Each line links to its record.

Every source is read through the viewer's scoped queryset (`*_for(actor)`), so a line the viewer may not see is
not there; the person page that shows it fetches the person through `people.services.view_person`, which masks
and audits the view. The lines name no identity number, phone or address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.cases import services as cases
from fangkong.cases.models import CaseEvent
from fangkong.checkpoints import services as checkpoints
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Reading
from fangkong.screening import services as screening
from fangkong.testing import services as testing
from fangkong.testing.models import Outcome

LIMIT = 200  # lines per source: a person's story, not an export


@dataclass(frozen=True)
class Line:
    at: dt.datetime
    kind: str  # the domain's word, for a tag and a filter: registration, arrival, checkpoint, …
    what: str
    detail: str = ""
    url: str = ""
    urgent: bool = False


def story(actor, person) -> list[Line]:
    """The person's records the actor may see, oldest first."""
    lines: list[Line] = []
    person_url = reverse("person", args=[person.pk])
    for r in person.registrations.all()[:LIMIT]:
        lines.append(Line(r.registered_at, "registration", str(_("Registered: %(s)s") % {"s": r.get_source_display()}),
                          r.reference_shown, person_url))
    for a in screening.arrivals_for(actor).filter(person=person)[:LIMIT]:
        lines.append(Line(a.arrived_at, "arrival", str(_("Arrived from %(o)s") % {"o": a.origin_name or a.origin_code}),
                          f"{a.get_mode_display()} · {a.origin_risk_label}", reverse("arrivals")))
    for e in checkpoints.entries_for(actor).filter(person=person).select_related("checkpoint")[:LIMIT]:
        lines.append(Line(e.entered_at, "checkpoint", str(_("Passed checkpoint %(c)s") % {"c": e.checkpoint.name}),
                          f"{e.temperature} °C" if e.temperature is not None else "",
                          f"{reverse('checkpoint')}?post={e.checkpoint_id}", e.fever))
    for h in checkpoints.handovers_for(actor).filter(person=person)[:LIMIT]:
        lines.append(Line(h.entry.entered_at, "handover", str(_("Handed over to %(g)s") % {"g": h.grid.name}),
                          h.get_status_display(), reverse("handovers")))
    orders = list(quarantine.orders_for(actor).filter(person=person)[:LIMIT])
    for o in orders:
        url = reverse("order", args=[o.pk])
        lines.append(Line(o.starts_at, "order", str(_("Placed under %(k)s") % {"k": o.get_kind_display()}),
                          f"{o.get_reason_display()} · {_('until')} {timezone.localtime(o.planned_end_at):%Y-%m-%d}",
                          url))
        if o.ended_at:
            lines.append(Line(o.ended_at, "order", str(_("Order ended: %(s)s") % {"s": o.get_status_display()}), "",
                              url))
    for r in Reading.objects.filter(order__in=orders).order_by("-taken_at")[:LIMIT]:
        lines.append(Line(r.taken_at, "reading", str(_("Temperature %(t)s °C") % {"t": r.temperature}),
                          r.symptoms, reverse("order", args=[r.order_id]), r.fever))
    for a in quarantine.alerts_for(actor).filter(person=person)[:LIMIT]:
        lines.append(Line(a.raised_at, "alert", str(_("Alert: %(k)s") % {"k": a.get_kind_display()}),
                          a.get_status_display(), reverse("alerts"), a.status != "resolved"))
    for s in cases.ledger_for(actor).filter(person=person)[:LIMIT]:
        lines.append(Line(s.reported_at, "ledger", str(_("Symptom ledger: %(s)s") % {"s": s.symptoms}),
                          s.get_resolution_display() or str(_("open")), reverse("ledger")))
    testing_url = reverse("testing-due")
    visible_cases = cases.cases_for(actor).filter(person=person)
    for e in CaseEvent.objects.filter(case__in=visible_cases).order_by("at", "id")[:LIMIT]:
        lines.append(Line(e.at, "case", str(_("Case: %(step)s") % {"step": e.step}), e.after,
                          reverse("case", args=[e.case_id])))
    for sample in testing.samples_for(actor).filter(members__person=person)[:LIMIT]:
        tube = f"{sample.code} · {sample.get_purpose_display()}"
        lines.append(Line(sample.sampled_at, "sample", str(_("Sampled: tube %(c)s") % {"c": tube}),
                          str(_("pool of %(n)s") % {"n": sample.pool_size}) if sample.pooled else "", testing_url))
        if sample.resulted_at:
            outcome = str(_("Result: %(o)s") % {"o": sample.get_outcome_display()})
            ct = f" · Ct {sample.ct}" if sample.ct is not None else ""
            lines.append(Line(sample.resulted_at, "result", outcome, f"{sample.code}{ct}", testing_url,
                              sample.outcome == Outcome.POSITIVE))
    return sorted(lines, key=lambda line: line.at)
