"""Use cases of the symptom ledger and of cases: open, transition (the one function), five earlies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import Conflict, InputRefused, Problems
from fangkong.idempotency import services as idempotency
from fangkong.people.services import Choice, Export, Masked

from . import disease as diseases
from .models import Case, CaseEvent, Classification, FacilityKind, Placement, Resolution, Severity, SymptomReport
from .transitions import TRANSITIONS, actions_from, allowed


def _not_future(value: dt.datetime | None, field: str, problems: Problems) -> dt.datetime:
    """The time given (now when none is), or now with a problem for `field` when it cannot be one."""
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        problems.add(field, _("give the time with its time zone"))
        return now
    if value > now + dt.timedelta(minutes=5):
        problems.add(field, _("this time is in the future"))
        return now
    return value


# --- the suspicious-symptom ledger -------------------------------------------------------------

def report_symptoms(actor, person_id: int, *, source: str, symptoms: str, temperature: Decimal | str | None = None,
                    onset_date: dt.date | None = None, reported_at: dt.datetime | None = None,
                    idempotency_key: str | None = None) -> tuple[SymptomReport, bool]:
    """Enter a person into the ledger with a deadline; the same idempotency key twice counts once."""
    require(actor, "symptoms.report")
    person = access.get_person_for(actor, person_id)
    disease = diseases.current()
    problems = Problems()
    if source not in SymptomReport.Source.values:
        problems.add("source", _("unknown source %(s)s") % {"s": source})
    if not (symptoms or "").strip():
        problems.add("symptoms", _("describe the symptoms"))
    if temperature not in (None, ""):
        temperature = diseases.temperature(disease, temperature, problems)
    if onset_date and onset_date > timezone.localdate():
        problems.add("onset_date", _("the onset date is in the future"))
    reported_at = _not_future(reported_at, "reported_at", problems)
    problems.refuse_if_any()
    submitted = {"person": person.pk, "source": source, "symptoms": symptoms, "temperature": temperature,
                 "onset_date": onset_date}

    def store() -> SymptomReport:
        entry = SymptomReport.objects.create(
            person=person, source=source, symptoms=symptoms.strip(), temperature=temperature, onset_date=onset_date,
            reported_at=reported_at, deadline=reported_at + dt.timedelta(hours=disease.ledger_deadline_hours),
            owner_path=person.jurisdiction_path, reported_by=actor)
        audit.record_change(actor, Action.SYMPTOM_REPORT, entry, person=person, before={}, step="reported",
                            after={"source": source, "temperature": temperature, "onset_date": onset_date,
                                   "deadline": entry.deadline})
        return entry

    return idempotency.once(actor, "symptom_report", ledger_for(actor), idempotency_key, submitted, store)


@dataclass(frozen=True)
class Fever:
    """A fever someone measured (an observation reading, a checkpoint): enough for a ledger entry."""

    person_id: int | None
    temperature: Decimal
    at: dt.datetime
    symptoms: str = ""


def enter_fevers(actor, fevers: list[Fever], *, source: str) -> list[SymptomReport]:
    """Enter each febrile person in the symptom ledger, unless they already have an open entry or an open case:
    the epidemiologist then judges it by the ledger's deadline. Call inside the transaction that stored the fevers."""
    require(actor, "symptoms.report")
    disease = diseases.current()
    persons = {p.pk: p for p in access.persons_for(actor).filter(pk__in={f.person_id for f in fevers})}
    busy = set(SymptomReport.objects.filter(person_id__in=persons, resolved_at=None)
               .values_list("person_id", flat=True))
    busy |= set(Case.objects.filter(person_id__in=persons, closed_at=None).values_list("person_id", flat=True))
    entries = []
    for fever in fevers:
        person = persons.get(fever.person_id)
        if person is None or person.pk in busy:
            continue
        busy.add(person.pk)
        symptoms = (fever.symptoms or "").strip() or str(_("fever %(t)s °C") % {"t": fever.temperature})
        entries.append(SymptomReport(
            person=person, source=source, symptoms=symptoms[:200], temperature=fever.temperature,
            reported_at=fever.at, deadline=fever.at + dt.timedelta(hours=disease.ledger_deadline_hours),
            owner_path=person.jurisdiction_path, reported_by=actor))
    SymptomReport.objects.bulk_create(entries)
    audit.record_many(actor, Action.SYMPTOM_REPORT, [(e.person_id, audit.changes(
        e, {}, {"source": source, "temperature": e.temperature, "deadline": e.deadline}, step="reported"))
        for e in entries])
    return entries


def ledger_for(actor) -> QuerySet[SymptomReport]:
    return SymptomReport.objects.visible_to(actor).select_related("person", "person__grid")


def resolve_symptom_report(actor, report_id: int, resolution: str, note: str = "") -> SymptomReport:
    require(actor, "symptoms.resolve")
    with transaction.atomic():
        entry = get_visible(ledger_for(actor).select_for_update(of=("self",)), report_id)
        if entry.resolved_at:
            raise Conflict(("resolution", _("this entry was already resolved")))
        if resolution not in Resolution.values:
            raise InputRefused(("resolution", _("unknown resolution %(r)s") % {"r": resolution}))
        entry.resolution, entry.resolved_at, entry.resolved_by, entry.note = resolution, timezone.now(), actor, note
        entry.save(update_fields=["resolution", "resolved_at", "resolved_by", "note"])
        audit.record_change(actor, Action.SYMPTOM_REPORT, entry, person=entry.person,
                            before={"resolution": ""}, after={"resolution": resolution}, step="resolved")
        if resolution == Resolution.CASE_OPENED:
            open_case(actor, entry.person_id, onset_date=entry.onset_date, detected_at=entry.reported_at,
                      symptom_report=entry)
    return entry


# --- cases -------------------------------------------------------------------------------------

def cases_for(actor) -> QuerySet[Case]:
    return Case.objects.visible_to(actor).select_related("person", "person__grid")


def get_case_for(actor, case_id) -> Case:
    return get_visible(cases_for(actor), case_id)


def open_case_of(actor, person_id: int) -> Case | None:
    """The person's open case, if the actor may see it."""
    return cases_for(actor).filter(person_id=person_id, closed_at=None).first()


def open_case(actor, person_id: int, *, onset_date: dt.date | None = None, detected_at: dt.datetime | None = None,
              reported_at: dt.datetime | None = None, sampled_on: dt.date | None = None, severity: str = Severity.MILD,
              high_risk: bool = False, symptom_report: SymptomReport | None = None) -> Case:
    """Open a suspected case for a person in the actor's subtree (one open case per person)."""
    require(actor, "case.open")
    person = access.get_person_for(actor, person_id)
    problems = Problems()
    detected_at = _not_future(detected_at, "detected_at", problems)
    reported_at = _not_future(reported_at, "reported_at", problems) if reported_at else None
    _check_details(problems, detected_at, onset_date=onset_date, sampled_on=sampled_on, reported_at=reported_at,
                   severity=severity)
    problems.refuse_if_any()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                person=person, disease=diseases.current(), onset_date=onset_date, detected_at=detected_at,
                reported_at=reported_at, sampled_on=sampled_on, severity=severity, high_risk=bool(high_risk),
                owner_path=person.jurisdiction_path, symptom_report=symptom_report,
            )
            _event(case, "open", actor, detected_at, ("", ""), note="")
    except IntegrityError:
        raise Conflict(("person", _("this person already has an open case"))) from None
    return case


def _check_details(problems: Problems, detected_at: dt.datetime, *, onset_date, sampled_on, reported_at,
                   severity) -> None:
    """The dates of the five earlies in their order: onset and sampling not in the future, a report after the
    discovery, and a known severity."""
    today = timezone.localdate()
    if onset_date and onset_date > today:
        problems.add("onset_date", _("the onset date is in the future"))
    if sampled_on and sampled_on > today:
        problems.add("sampled_on", _("the sampling date is in the future"))
    if sampled_on and onset_date and sampled_on < onset_date:
        problems.add("sampled_on", _("a sample is taken on or after the onset date"))
    if severity not in Severity.values:
        problems.add("severity", _("unknown severity %(s)s") % {"s": severity})
    if reported_at and reported_at < detected_at:
        problems.add("reported_at", _("a case is reported after it is discovered"))


DETAILS = ("onset_date", "sampled_on", "reported_at", "severity", "high_risk")


def update_details(actor, case_id: int, *, onset_date: dt.date | None, sampled_on: dt.date | None,
                   reported_at: dt.datetime | None, severity: str, high_risk: bool, note: str = "") -> Case:
    """Correct or complete what the case form holds (onset, sampling date, report time, severity, high-risk):
    one event row and one audit row naming each field changed."""
    require(actor, "case.move")
    with transaction.atomic():
        case = get_visible(cases_for(actor).select_for_update(of=("self",)), case_id)
        problems = Problems()
        if case.closed_at:
            problems.add("severity", _("the case is closed"))
        reported_at = _not_future(reported_at, "reported_at", problems) if reported_at else None
        _check_details(problems, case.detected_at, onset_date=onset_date, sampled_on=sampled_on,
                       reported_at=reported_at, severity=severity)
        problems.refuse_if_any()
        before = {field: getattr(case, field) for field in DETAILS}
        case.onset_date, case.sampled_on, case.severity, case.high_risk = onset_date, sampled_on, severity, high_risk
        case.reported_at = reported_at
        changed = {field: (old, getattr(case, field)) for field, old in before.items() if old != getattr(case, field)}
        if not changed:
            return case
        case.save(update_fields=[*changed, "updated_at"])
        action = f"severity:{severity}" if set(changed) == {"severity"} else "details"
        _event(case, action, actor, timezone.now(), (case.classification, case.placement), note, changed=changed)
    return case


def admission_tier(case: Case) -> str:
    """Where the disease settings send this case: mild to a makeshift hospital (方舱); the settings' severity and
    above, or a high-risk case, to a designated hospital."""
    order = list(Severity.values)
    threshold = case.disease.designated_from_severity
    serious = threshold in order and order.index(case.severity) >= order.index(threshold)
    return FacilityKind.DESIGNATED if serious or case.high_risk else FacilityKind.MAKESHIFT


def _event(case: Case, action: str, actor, at: dt.datetime, before: tuple[str, str], note: str, *,
           changed: dict[str, tuple] | None = None) -> None:
    """The case's event row and its audit row; `changed` adds {field: (before, after)} beyond the state."""
    CaseEvent.objects.create(case=case, action=action, at=at, actor=actor, from_classification=before[0],
                             to_classification=case.classification, from_placement=before[1],
                             to_placement=case.placement, note=note)
    changed = {"classification": (before[0], case.classification), "placement": (before[1], case.placement),
               **(changed or {})}
    audit.record_change(actor, Action.CASE_TRANSITION, case, person=case.person, step=action,
                        before={field: old for field, (old, _new) in changed.items()},
                        after={field: new for field, (_old, new) in changed.items()})


def transition(actor, case_id: int, action: str, *, at: dt.datetime | None = None, hospital: str = "",
               note: str = "") -> Case:
    """Apply one action of the transition table to a case: check, timestamp, event row and audit row.

    The case alone: what the step does beyond it (an order ended or opened, the tests a discharge needs) is the
    journey's, `pathways.care.move`, which pages, API and CLI call."""
    require(actor, "case.move")
    with transaction.atomic():
        case = get_visible(cases_for(actor).select_for_update(of=("self",)), case_id)
        rule, problems = TRANSITIONS.get(action), Problems()
        if rule is None:
            problems.add("action", _("unknown action %(a)s") % {"a": action})
        elif not allowed(action, case.classification, case.placement):
            problems.add("action", _("cannot %(action)s a case that is %(cls)s and %(where)s; allowed now: "
                                     "%(allowed)s") % {
                "action": rule.label, "cls": case.get_classification_display(), "where": case.get_placement_display(),
                "allowed": ", ".join(str(TRANSITIONS[a].label) for a in actions_from(case.classification,
                                                                                      case.placement)) or "—"})
        if action == "admit" and not hospital.strip():
            problems.add("hospital", _("name the hospital that admits the patient"))
        if len(hospital.strip()) > Case._meta.get_field("hospital").max_length:
            problems.add("hospital", _("a hospital's name has at most %(n)s characters")
                         % {"n": Case._meta.get_field("hospital").max_length})
        at = _not_future(at, "at", problems)
        problems.refuse_if_any()
        before = (case.classification, case.placement)
        stamped = {field: getattr(case, field) for field in ("hospital", "facility_kind", *rule.stamps, "closed_at")}
        changed = ["updated_at"]
        if rule.to_class:
            case.classification = rule.to_class
            changed.append("classification")
        if rule.to_place:
            case.placement = rule.to_place
            changed.append("placement")
        if hospital:
            case.hospital = hospital.strip()
            changed.append("hospital")
        if action == "admit":
            case.facility_kind = admission_tier(case)
            changed.append("facility_kind")
        for stamp in rule.stamps:
            if getattr(case, stamp) is None:
                setattr(case, stamp, at)
                changed.append(stamp)
        if rule.closes:
            case.closed_at = at
            changed.append("closed_at")
        case.save(update_fields=changed)
        _event(case, action, actor, at, before, note,
               changed={field: (old, getattr(case, field)) for field, old in stamped.items()})
    return case


def set_severity(actor, case_id: int, severity: str, note: str = "") -> Case:
    require(actor, "case.move")
    if severity not in Severity.values:
        raise InputRefused(("severity", _("unknown severity %(s)s") % {"s": severity}))
    with transaction.atomic():
        case = get_case_for(actor, case_id)
        if case.closed_at:
            raise InputRefused(("severity", _("the case is closed")))
        before, severity_before = (case.classification, case.placement), case.severity
        case.severity = severity
        case.save(update_fields=["severity", "updated_at"])
        _event(case, f"severity:{severity}", actor, timezone.now(), before, note,
               changed={"severity": (severity_before, severity)})
    return case


def record_report(actor, case_id: int, reported_at: dt.datetime | None = None) -> Case:
    """Record the direct network report (网络直报) of a case; it is late past the disease's deadline."""
    require(actor, "case.move")
    with transaction.atomic():
        case = get_case_for(actor, case_id)
        if case.reported_at:
            raise Conflict(("reported_at", _("this case was already reported")))
        problems = Problems()
        reported_at = _not_future(reported_at, "reported_at", problems)
        if reported_at < case.detected_at:
            problems.add("reported_at", _("a case is reported after it is discovered"))
        problems.refuse_if_any()
        case.reported_at = reported_at
        case.save(update_fields=["reported_at", "updated_at"])
        _event(case, "report", actor, reported_at, (case.classification, case.placement), "",
               changed={"reported_at": (None, reported_at)})
    return case


def gap(hours: float | None) -> str:
    """An interval of the timeline as people read it: "+1.5 h", "+0 h" for none, "−2.0 h" for data out of order
    (never "+-0.0 h")."""
    if hours is None:
        return ""
    if abs(hours) < 0.05:
        return "+0 h"
    return f"+{hours:.1f} h" if hours > 0 else f"−{-hours:.1f} h"


@dataclass(frozen=True)
class Early:
    """One step of the five-earlies timeline: its name, when (None: not yet), the interval since the step before."""

    label: str
    when: dt.date | dt.datetime | None
    since: str = ""
    late: bool = False

    @property
    def is_day(self) -> bool:
        return not isinstance(self.when, dt.datetime)


@dataclass(frozen=True)
class FiveEarlies:
    """The five earlies (早发现、早报告、早隔离、早诊断、早治疗) of one case, with the intervals between."""

    onset: dt.date | None
    detected: dt.datetime
    reported: dt.datetime | None
    isolated: dt.datetime | None
    diagnosed: dt.datetime | None
    treated: dt.datetime | None
    deadline_hours: int
    sampled: dt.date | None = None

    @staticmethod
    def hours(start, end) -> float | None:
        return round((end - start).total_seconds() / 3600, 1) if start and end else None

    @property
    def onset_to_detection_days(self) -> int | None:
        return (timezone.localtime(self.detected).date() - self.onset).days if self.onset else None

    @property
    def detection_to_report_hours(self):
        return self.hours(self.detected, self.reported)

    @property
    def report_late(self) -> bool:
        """Not reported within the deadline after discovery (still unreported and past it counts too)."""
        limit = self.detected + dt.timedelta(hours=self.deadline_hours)
        return (self.reported or timezone.now()) > limit

    @property
    def detection_to_isolation_hours(self):
        return self.hours(self.detected, self.isolated)

    @property
    def isolation_to_diagnosis_hours(self):
        return self.hours(self.isolated, self.diagnosed)

    @property
    def diagnosis_to_treatment_hours(self):
        return self.hours(self.diagnosed, self.treated)

    @property
    def steps(self) -> list[Early]:
        """The timeline in order; a diagnosis made before any isolation is measured from the discovery."""
        days = self.onset_to_detection_days
        return [
            Early(pgettext_lazy("five earlies", "Onset"), self.onset),
            Early(pgettext_lazy("five earlies", "Discovered"), self.detected,
                  "" if days is None else _("+%(n)s d") % {"n": days}),
            Early(pgettext_lazy("five earlies", "Reported"), self.reported, gap(self.detection_to_report_hours),
                  self.report_late),
            Early(pgettext_lazy("five earlies", "Sampled"), self.sampled),
            Early(pgettext_lazy("five earlies", "Isolated"), self.isolated, gap(self.detection_to_isolation_hours)),
            Early(pgettext_lazy("five earlies", "Diagnosed"), self.diagnosed,
                  gap(self.hours(self.isolated or self.detected, self.diagnosed))),
            Early(pgettext_lazy("five earlies", "Treatment"), self.treated, gap(self.diagnosis_to_treatment_hours)),
        ]


def five_earlies(case: Case) -> FiveEarlies:
    return FiveEarlies(case.onset_date, case.detected_at, case.reported_at, case.isolated_at, case.diagnosed_at,
                       case.treated_at, case.disease.report_deadline_hours, case.sampled_on)


def case_on_positive_result(actor, person, *, confirmed: bool, at: dt.datetime, note: str = "") -> Case:
    """A positive test moves the person into the case pathway (pathways/testing.py): their open case, confirmed
    when the settings say a positive confirms and it is still suspected, or a new case (suspected or confirmed).
    Part of the lab's result, which the result's own permission covers; the event row says so."""
    case = Case.objects.select_for_update().filter(person=person, closed_at=None).first()
    if case is None:
        case = Case.objects.create(person=person, disease=diseases.current(), detected_at=at,
                                   owner_path=person.jurisdiction_path,
                                   classification=Classification.CONFIRMED if confirmed else Classification.SUSPECTED,
                                   diagnosed_at=at if confirmed else None)
        _event(case, "open", actor, at, ("", ""), note=note)
    elif confirmed and allowed("confirm", case.classification, case.placement):
        before = (case.classification, case.placement)
        case.classification, case.diagnosed_at = Classification.CONFIRMED, case.diagnosed_at or at
        case.save(update_fields=["classification", "diagnosed_at", "updated_at"])
        _event(case, "confirm", actor, at, before, note=note)
    return case


# --- the registers as downloads ------------------------------------------------------------------

LEDGER_EXPORT = Export("symptom-ledger", _("Symptom ledger"), ledger_for, columns=[
    (_("Reported at"), "reported_at"), (_("Full name"), "person__name"), (_("ID number"), Masked("id_number")),
    (_("Phone"), Masked("phone")), (_("Grid"), "person__grid__code"),
    (_("Source"), Choice("source", SymptomReport.Source.choices)), (_("Symptoms"), "symptoms"),
    (_("Temperature"), "temperature"), (_("Onset date"), "onset_date"), (_("Deadline"), "deadline"),
    (_("Resolution"), Choice("resolution", Resolution.choices)), (_("Resolved at"), "resolved_at")])

CASES_EXPORT = Export("cases", _("Cases"), cases_for, columns=[
    (_("Case"), "pk"), (_("Full name"), "person__name"), (_("ID number"), Masked("id_number")),
    (_("Grid"), "person__grid__code"), (_("Classification"), Choice("classification", Classification.choices)),
    (_("Severity"), Choice("severity", Severity.choices)), (_("Where"), Choice("placement", Placement.choices)),
    (_("Hospital"), "hospital"), (_("Onset"), "onset_date"), (_("Discovered"), "detected_at"),
    (_("Reported"), "reported_at"), (_("Isolated"), "isolated_at"), (_("Diagnosed"), "diagnosed_at"),
    (_("Treatment began"), "treated_at"), (pgettext_lazy("case", "Closed"), "closed_at")])
