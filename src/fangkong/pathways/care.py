"""The care journey (筛查甄别—转送救治—康复出院—隔离观察), across cases, quarantine and testing.

suspected → (sampled → result: testing's) → excluded, or confirmed / asymptomatic → transfer (the observation
order ends, its reading windows stop, so no more missed-reading alerts) → admitted (a makeshift hospital or a
designated one, by severity: `cases.services.admission_tier`; the patient waits for a bed of that tier, care's
register) → discharged (the bed to housekeeping) (only after the negative tests the
disease settings require) → post-discharge health monitoring (a home order of the settings' days) → released
(refused before the monitoring ends). Each domain does its own part; this module decides what follows what, in one
transaction, and writes the journey's audit row (`Action.PATHWAY_STEP`). Pages, API and CLI call `move`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.permissions import require
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.care import services as beds
from fangkong.cases import disease as diseases
from fangkong.cases import services as cases
from fangkong.cases.models import Case, Placement, Resolution, SymptomReport
from fangkong.cases.transitions import INFECTED, allowed
from fangkong.errors import InputRefused, Problems
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Order, OrderStatus
from fangkong.testing import services as testing
from fangkong.testing.models import Outcome, Purpose

# --- the negative tests a discharge needs --------------------------------------------------------

@dataclass(frozen=True)
class TestOutcome:
    """One test of a person, as the discharge rule reads it: when the sample was taken, and whether it counts as
    negative (for a PCR: no target found, or Ct at or above the settings' cut-off)."""

    __test__ = False  # a result, not a pytest class

    taken_at: dt.datetime
    negative: bool


def results_of(person, since: dt.datetime) -> list[TestOutcome]:
    """The person's own results (single tubes: a pooled negative speaks for the pool) sampled from `since` on,
    as the discharge rule counts them; an invalid result counts neither way."""
    return [TestOutcome(r.sampled_at, r.negative) for r in testing.results_of(person, single_only=True)
            if r.sampled_at >= since and r.outcome != Outcome.INVALID]


def discharge_problems(outcomes: list[TestOutcome], *, needed: int, gap_hours: int) -> str | None:
    """Why the latest tests do not allow a discharge, or None when they do: the last `needed` tests negative, one
    after another (a positive in between starts the count again), each sampled at least `gap_hours` after the one
    before (treatment protocol: two negatives, 24 h apart)."""
    counted: list[TestOutcome] = []
    for outcome in outcomes:
        if not outcome.negative:
            counted = []
        elif not counted or outcome.taken_at - counted[-1].taken_at >= dt.timedelta(hours=gap_hours):
            counted.append(outcome)
    if len(counted) >= needed:
        return None
    return str(_("discharge needs %(n)s consecutive negative tests at least %(h)s h apart; there are %(have)s")
               % {"n": needed, "h": gap_hours, "have": len(counted)})


# --- the journey's steps -------------------------------------------------------------------------

def _check_discharge(case: Case, problems: Problems) -> None:
    if case.classification not in INFECTED:
        return  # a suspected case leaves hospital on its own result: the exclusion
    since = case.treated_at or case.isolated_at or case.detected_at
    why = discharge_problems(results_of(case.person, since), needed=case.disease.discharge_negative_tests,
                             gap_hours=case.disease.discharge_test_gap_hours)
    if why:
        problems.add("action", why)


def _check_release(case: Case, problems: Problems) -> None:
    order = quarantine.active_order_of(case.person_id)
    if order is not None and timezone.now() < order.planned_end_at:
        problems.add("action", _("health monitoring runs until %(end)s: release the case after it ends")
                     % {"end": date_format(timezone.localtime(order.planned_end_at), "Y-m-d H:i")})


CHECKS: dict[str, Callable[[Case, Problems], None]] = {"discharge": _check_discharge, "release": _check_release}


def _ended(status: str, note: str) -> Callable[[object, Case, dt.datetime, str], Order | None]:
    def end(actor, case: Case, at: dt.datetime, hospital: str) -> Order | None:
        return quarantine.end_active_order(actor, case.person_id, status=status, note=str(note) or hospital)
    return end


def _monitoring(actor, case: Case, at: dt.datetime, hospital: str) -> Order:
    return quarantine.start_post_discharge_observation(actor, case, at)


# What each step does beyond the case: the observation order it ends or opens.
FOLLOWS: dict[str, Callable[[object, Case, dt.datetime, str], Order | None]] = {
    "transfer": _ended(OrderStatus.TRANSFERRED, ""),
    "admit": _ended(OrderStatus.TRANSFERRED, ""),
    "observe": _monitoring,
    "release": _ended(OrderStatus.RELEASED, ""),
    "release_excluded": _ended(OrderStatus.RELEASED_EARLY, _("excluded")),
    "die": _ended(OrderStatus.RELEASED_EARLY, _("deceased")),
}


# What each step does to the beds: the admit step puts the patient on the waiting list of the case's tier (the
# admitting facility then assigns a bed); leaving hospital frees the bed (to housekeeping).
BEDS: dict[str, Callable[[object, Case, dt.datetime], object]] = {
    "admit": beds.enqueue, "discharge": beds.discharge, "die": beds.discharge,
    "release_excluded": beds.discharge,
}


def move(actor, case_id: int, action: str, *, at: dt.datetime | None = None, hospital: str = "",
         note: str = "") -> Case:
    """Take one step of the journey: the case's transition and what follows from it, in one transaction.

    A step the table forbids is refused by the case with the steps allowed now; a discharge without the negative
    tests and a release before the health monitoring ends are refused here, naming what is missing."""
    require(actor, "case.move")
    with transaction.atomic():
        case = cases.get_case_for(actor, case_id)
        if action in CHECKS and allowed(action, case.classification, case.placement):
            problems = Problems()
            CHECKS[action](case, problems)
            problems.refuse_if_any()
        order_before = quarantine.active_order_of(case.person_id)
        case = cases.transition(actor, case_id, action, at=at, hospital=hospital, note=note)
        follow = FOLLOWS.get(action)
        order = follow(actor, case, at or timezone.now(), case.hospital) if follow else None
        if action in BEDS:
            BEDS[action](actor, case, at or timezone.now())
        if order is not None:
            audit.record_change(actor, Action.PATHWAY_STEP, case, person=case.person, step=action,
                                before={"order": order_before.pk if order_before else None,
                                        "order_status": order_before.status if order_before else None},
                                after={"order": order.pk, "order_status": order.status})
    return case


def open_case(actor, person_id: int, **details) -> Case:
    """Open a suspected case (the case form, the API) and ask for its same-day test (疑似病例核酸检测当日清零): due
    by the day's cut-off, sampled by the person's grid, on its to-do until a tube is taken."""
    with transaction.atomic():
        case = cases.open_case(actor, person_id, **details)
        testing.ask_test(actor, person_id, purpose=Purpose.CLEARANCE, note=f"case {case.pk}")
    return case


def resolve_symptom_report(actor, report_id: int, resolution: str, note: str = "") -> SymptomReport:
    """The epidemiologist's decision on a ledger entry; one that opens a case asks for its same-day test too."""
    with transaction.atomic():
        entry = cases.resolve_symptom_report(actor, report_id, resolution, note)
        case = cases.open_case_of(actor, entry.person_id) if resolution == Resolution.CASE_OPENED else None
        if case is not None:
            testing.ask_test(actor, entry.person_id, purpose=Purpose.CLEARANCE, note=f"case {case.pk}")
    return entry


def ask_discharge_test(actor, case_id: int) -> object:
    """A test of an admitted case towards its discharge (the hospital samples; the lab reports)."""
    require(actor, "case.move")
    case = cases.get_case_for(actor, case_id)
    if case.placement != Placement.ADMITTED:
        raise InputRefused(("action", _("discharge tests are for a patient in hospital")))
    return testing.ask_test(actor, case.person_id, purpose=Purpose.CLINICAL, note=f"discharge, case {case.pk}")


def transfer_from_order(actor, order_id: int, *, hospital: str = "") -> Order:
    """The order page's "transfer to hospital": the person's open case takes its `transfer` step, which ends
    this order. Only a case (suspected, confirmed or asymptomatic) is transferred; the step is the case's, so is
    the permission."""
    require(actor, "case.move")
    order = quarantine.get_order_for(actor, order_id)
    if order.status != OrderStatus.ACTIVE:
        raise InputRefused(("order", _("this order has ended (%(s)s)") % {"s": order.get_status_display()}))
    case = cases.open_case_of(actor, order.person_id)
    if case is None:
        raise InputRefused(("order", _("only a person with an open case is transferred to hospital: open the case "
                                       "first")))
    move(actor, case.pk, "transfer", hospital=hospital, note=hospital)
    order.refresh_from_db()
    return order


# --- the watch: a fever reading tells the worker what happens next -------------------------------

@dataclass(frozen=True)
class FeverNext:
    """What a fever reading set in motion, for the worker who entered it."""

    temperature: Decimal
    threshold: Decimal
    alert_owner: str  # who must act on the alert: the grid or the site watching the person
    ledger_deadline: dt.datetime | None  # the epidemiologist's deadline, when a ledger entry was opened
    registered: bool = True  # a traveller passing through, not in our register, gets the alert only

    @property
    def message(self) -> str:
        text = _("%(t)s °C is a fever (threshold %(th)s °C): a fever alert is raised for %(owner)s to act on now.") % {
            "t": self.temperature, "th": self.threshold, "owner": self.alert_owner}
        if self.ledger_deadline:
            text = _("%(text)s Entered in the symptom ledger: the epidemiologist decides by %(when)s.") % {
                "text": text, "when": date_format(timezone.localtime(self.ledger_deadline), "m-d H:i")}
        elif not self.registered:
            text = _("%(text)s The traveller is not in our register: the alert names them.") % {"text": text}
        else:
            text = _("%(text)s The person already has an open ledger entry or case.") % {"text": text}
        return str(text)


def record_readings(actor, entries: list[quarantine.ReadingEntry]) -> list[quarantine.ReadingOutcome]:
    """Store a batch of readings; every new fever among them is also entered in the symptom ledger, in the same
    transaction (a resubmitted reading enters nothing twice)."""
    with transaction.atomic():
        outcomes = quarantine.record_readings(actor, entries)
        fevers = [o.reading for o in outcomes if o.created and o.reading.fever]
        cases.enter_fevers(actor, [cases.Fever(r.order.person_id, r.temperature, r.taken_at, r.symptoms)
                                   for r in fevers], source=SymptomReport.Source.OBSERVATION)
    return outcomes


def record_reading(actor, person_id: int, *, temperature, taken_at: dt.datetime | None = None, symptoms: str = "",
                   idempotency_key: str | None = None):
    """One reading (a form, the API): (reading, created, what follows when it is a fever)."""
    [outcome] = record_readings(actor, [quarantine.ReadingEntry(person_id, temperature, taken_at, symptoms,
                                                                idempotency_key)])
    reading = quarantine.outcome_reading(outcome)
    return reading, outcome.created, fever_next(reading)


def fever_next(reading) -> FeverNext | None:
    if not reading.fever:
        return None
    entry = SymptomReport.objects.filter(person_id=reading.order.person_id, resolved_at=None,
                                         reported_at=reading.taken_at).first()
    return FeverNext(reading.temperature, diseases.current().fever_threshold, quarantine.owner_name(reading.order),
                     entry.deadline if entry else None)
