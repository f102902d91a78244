"""Use cases of care: facilities and their state (reserve → preparing → open → closed, activated in batches with
the time each must be ready by), wards and beds (HL7 0116 states), admissions from the pathway (waiting for the
tier, a bed assigned once, transfers requested → accepted → completed, a discharge that sends the bed to
housekeeping), and the counts: the bed census and 床等人 (free beds against patients waiting) rolled up the tree.

Every write starts with `require`, refuses bad input naming the field, and writes its audit row in the same
transaction. Each status change goes through one function per register that checks its transition table."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import get_visible, scope_path
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import Conflict, InputRefused, Problems
from fangkong.quarantine.models import Site

from .models import (
    Admission,
    AdmissionState,
    Bed,
    BedState,
    Facility,
    FacilityKind,
    FacilityState,
    Tier,
    Transfer,
    TransferState,
    Ward,
    WardKind,
)

# --- transition tables ----------------------------------------------------------------------------------------

# A facility: (state now, step) → state next.
FACILITY_STEPS: dict[tuple[str, str], str] = {
    (FacilityState.RESERVE, "activate"): FacilityState.PREPARING,
    (FacilityState.PREPARING, "open"): FacilityState.OPEN,
    (FacilityState.PREPARING, "stand_down"): FacilityState.RESERVE,
    (FacilityState.OPEN, "close"): FacilityState.CLOSED,
    (FacilityState.CLOSED, "activate"): FacilityState.PREPARING,
}

# A bed's state changed by hand (the ward's staff); occupied is entered and left only by an admission.
BED_STEPS: set[tuple[str, str]] = {
    (BedState.HOUSEKEEPING, BedState.UNOCCUPIED),  # cleaned and disinfected
    (BedState.UNOCCUPIED, BedState.CLOSED), (BedState.CLOSED, BedState.UNOCCUPIED),
    (BedState.UNOCCUPIED, BedState.ISOLATED), (BedState.ISOLATED, BedState.UNOCCUPIED),
    (BedState.UNOCCUPIED, BedState.CONTAMINATED), (BedState.HOUSEKEEPING, BedState.CONTAMINATED),
    (BedState.CONTAMINATED, BedState.HOUSEKEEPING),
}

# A transfer: (state now, step) → state next.
TRANSFER_STEPS: dict[tuple[str, str], str] = {
    (TransferState.REQUESTED, "accept"): TransferState.ACCEPTED,
    (TransferState.REQUESTED, "refuse"): TransferState.REFUSED,
    (TransferState.ACCEPTED, "complete"): TransferState.COMPLETED,
}

FACILITY_TIER = {FacilityKind.DESIGNATED: Tier.DESIGNATED, FacilityKind.MAKESHIFT: Tier.MAKESHIFT,
                 FacilityKind.QUARANTINE: Tier.MAKESHIFT, FacilityKind.RESERVE: Tier.MAKESHIFT}


def ready_hours(kind: str) -> int:
    """Hours from activation to ready (settings: a 方舱 within 24 h)."""
    return int(settings.CARE_READY_HOURS[kind])


def wait_hours(tier: str) -> int:
    """Hours a patient may wait for a bed of the tier before the dashboard calls it overdue."""
    return int(settings.CARE_WAIT_HOURS[tier])


# --- reading ----------------------------------------------------------------------------------------------------

def facilities_for(actor) -> QuerySet[Facility]:
    return Facility.objects.visible_to(actor).select_related("jurisdiction", "site")


def get_facility(actor, facility_id) -> Facility:
    return get_visible(facilities_for(actor), facility_id)


def beds_for(actor) -> QuerySet[Bed]:
    return Bed.objects.visible_to(actor).select_related("ward", "facility")


def admissions_for(actor) -> QuerySet[Admission]:
    return Admission.objects.visible_to(actor).select_related("person", "facility", "bed__ward", "case")


def transfers_for(actor) -> QuerySet[Transfer]:
    return Transfer.objects.visible_to(actor).select_related("admission__person", "source", "destination")


@dataclass
class Readiness:
    facility: Facility
    overdue: bool
    hours_left: float | None


def readiness(actor, now: dt.datetime | None = None) -> list[Readiness]:
    """The facilities activated and not yet open, with their ready-by time; overdue when past it."""
    now = now or timezone.now()
    rows = []
    for f in facilities_for(actor).filter(state=FacilityState.PREPARING).order_by("ready_by", "code"):
        left = (f.ready_by - now).total_seconds() / 3600 if f.ready_by else None
        rows.append(Readiness(f, left is not None and left < 0, left))
    return rows


# --- facilities -------------------------------------------------------------------------------------------------

def add_facility(actor, *, code: str, name: str, kind: str, jurisdiction_code: str, tier: str = "",
                 site_id=None) -> Facility:
    require(actor, "facility.add")
    problems = Problems()
    node = site = None
    with problems.gathered():
        node = access.get_jurisdiction_for(actor, jurisdiction_code)
    code = (code or "").strip()
    if not code:
        problems.add("facility_code", _("give the facility a code"))
    elif Facility.objects.filter(code=code).exists():
        problems.add("facility_code", _("another facility has the code “%(v)s”") % {"v": code})
    if not (name or "").strip():
        problems.add("facility_name", _("give the facility a name"))
    if kind not in FacilityKind.values:
        problems.add("kind", _("a facility is a designated or makeshift hospital, a quarantine site or a reserve"))
    if tier and tier not in Tier.values:
        problems.add("tier", _("the tier is makeshift or designated"))
    if kind == FacilityKind.QUARANTINE:
        site = Site.objects.filter(pk=site_id).first() if str(site_id or "").isdigit() else None
        if site is None or (node is not None and not site.owner_path.startswith(node.path)):
            problems.add("site", _("a central quarantine site is one of the quarantine register's sites here"))
    problems.refuse_if_any()
    with transaction.atomic():
        facility = Facility.objects.create(code=code, name=name.strip(), kind=kind,
                                           tier=tier or FACILITY_TIER[kind], jurisdiction=node, site=site,
                                           owner_path=node.path)
        audit.record_change(actor, Action.FACILITY_CHANGE, facility, before={},
                            after={"code": code, "kind": kind, "tier": facility.tier, "state": facility.state})
    return facility


def _step_facility(actor, facility: Facility, step: str, now: dt.datetime) -> Facility:
    after = FACILITY_STEPS.get((facility.state, step))
    if after is None:
        raise InputRefused(("step", _("%(f)s is %(s)s: it cannot take this step")
                            % {"f": facility.name, "s": facility.get_state_display()}))
    before = {"state": facility.state, "ready_by": facility.ready_by}
    facility.state = after
    if step == "activate":
        facility.activated_at, facility.ready_by = now, now + dt.timedelta(hours=ready_hours(facility.kind))
        facility.closed_at = None
    elif step == "open":
        facility.opened_at = now
    elif step == "close":
        if facility.beds.filter(state=BedState.OCCUPIED).exists():
            raise InputRefused(("step", _("%(f)s still has patients in its beds") % {"f": facility.name}))
        facility.closed_at = now
    facility.save()
    audit.record_change(actor, Action.FACILITY_CHANGE, facility, before=before,
                        after={"state": facility.state, "ready_by": facility.ready_by}, step=step)
    return facility


def step_facility(actor, facility_id, step: str) -> Facility:
    require(actor, "facility.change")
    with transaction.atomic():
        facility = get_visible(facilities_for(actor).select_for_update(of=("self",)), facility_id)
        return _step_facility(actor, facility, step, timezone.now())


def activate(actor, facility_ids: list) -> list[Facility]:
    """The command centre activates a batch (分批次启用): every facility checked first, all or nothing."""
    require(actor, "facility.change")
    ids = [str(i) for i in facility_ids if str(i).strip()]
    if not ids:
        raise InputRefused(("facilities", _("choose the facilities to activate")))
    now, done = timezone.now(), []
    with transaction.atomic():
        found = {str(f.pk): f for f in facilities_for(actor).select_for_update(of=("self",))
                 .filter(pk__in=[i for i in ids if i.isdigit()])}
        problems = Problems()
        for i in ids:
            f = found.get(i)
            if f is None:
                problems.add("facilities", _("facility %(v)s is not one of yours") % {"v": i})
            elif (f.state, "activate") not in FACILITY_STEPS:
                problems.add("facilities", _("%(f)s is %(s)s: only a reserve or closed facility is activated")
                             % {"f": f.name, "s": f.get_state_display()})
        problems.refuse_if_any()
        for i in dict.fromkeys(ids):
            done.append(_step_facility(actor, found[i], "activate", now))
    return done


def add_beds(actor, facility_id, *, ward: str, kind: str, count) -> Ward:
    """A ward (made if new) and `count` more beds in it, numbered on from the last."""
    require(actor, "facility.beds")
    problems = Problems()
    name = (ward or "").strip()
    if not name:
        problems.add("ward", _("name the ward"))
    if kind not in WardKind.values:
        problems.add("bed_kind", _("a bed is general, ICU, negative-pressure or isolation"))
    n = int(count) if str(count or "").strip().isdigit() else 0
    if not 1 <= n <= 5000:
        problems.add("count", _("give a number of beds from 1 to 5000"))
    problems.refuse_if_any()
    with transaction.atomic():
        facility = get_visible(facilities_for(actor).select_for_update(of=("self",)), facility_id)
        the_ward, _made = Ward.objects.get_or_create(facility=facility, name=name, defaults={"kind": kind})
        start = the_ward.beds.count()
        Bed.objects.bulk_create(Bed(ward=the_ward, facility=facility, code=str(start + i + 1), kind=kind,
                                    tier=facility.tier, owner_path=facility.owner_path) for i in range(n))
        audit.record_change(actor, Action.FACILITY_CHANGE, facility, before={"beds": start},
                            after={"beds": start + n}, ward=name, kind=kind)
    return the_ward


def set_bed_state(actor, bed_id, state: str) -> Bed:
    require(actor, "bed.assign")
    with transaction.atomic():
        bed = get_visible(beds_for(actor).select_for_update(of=("self",)), bed_id)
        if (bed.state, state) not in BED_STEPS:
            raise InputRefused(("bed_state", _("a bed %(a)s cannot be set to %(b)s here") % {
                "a": bed.get_state_display(), "b": dict(BedState.choices).get(state, state)}))
        before = bed.state
        bed.state = state
        bed.save(update_fields=["state"])
        audit.record_change(actor, Action.FACILITY_CHANGE, bed, before={"state": before}, after={"state": state})
    return bed


# --- admissions -------------------------------------------------------------------------------------------------

def enqueue(actor, case, at: dt.datetime | None = None) -> Admission:
    """The pathway's admit step: the patient waits for a bed of the tier the case was given (idempotent: an open
    admission of the case is returned as it is)."""
    open_one = Admission.objects.filter(case=case).exclude(state=AdmissionState.DISCHARGED).first()
    if open_one is not None:
        return open_one
    admission = Admission.objects.create(case=case, person_id=case.person_id,
                                         tier=case.facility_kind or Tier.MAKESHIFT,
                                         waiting_since=at or timezone.now(), owner_path=case.owner_path)
    audit.record_change(actor, Action.ADMISSION_CHANGE, admission, person=case.person,
                        before={}, after={"state": admission.state, "tier": admission.tier})
    return admission


def assign_bed(actor, admission_id, bed_id) -> Admission:
    """The admitting facility puts a waiting patient in an unoccupied bed of its tier. The bed is taken with a
    conditional update, so two clerks assigning the same bed (or one clicking twice) get one success."""
    require(actor, "bed.assign")
    with transaction.atomic():
        admission = get_visible(admissions_for(actor).select_for_update(of=("self",)), admission_id)
        if admission.state != AdmissionState.WAITING:
            raise Conflict(("admission", _("this patient is not waiting for a bed (%(s)s)")
                            % {"s": admission.get_state_display()}))
        bed = get_visible(beds_for(actor), bed_id)
        problems = Problems()
        if bed.facility.state != FacilityState.OPEN:
            problems.add("bed", _("%(f)s is not open") % {"f": bed.facility.name})
        if admission.facility_id and bed.facility_id != admission.facility_id:
            problems.add("bed", _("the patient was transferred to %(f)s: a bed there") % {"f": admission.facility})
        elif bed.tier != admission.tier:
            problems.add("bed", _("the patient needs a %(t)s bed") % {"t": admission.get_tier_display()})
        problems.refuse_if_any()
        taken = Bed.objects.filter(pk=bed.pk, state=BedState.UNOCCUPIED).update(state=BedState.OCCUPIED)
        if not taken:
            raise Conflict(("bed", _("bed %(b)s is not free: choose another") % {"b": bed}))
        now = timezone.now()
        admission.state, admission.bed, admission.facility = AdmissionState.IN_BED, bed, bed.facility
        admission.admitted_at, admission.owner_path = now, bed.owner_path
        admission.save()
        audit.record_change(actor, Action.ADMISSION_CHANGE, admission, person=admission.person,
                            before={"state": AdmissionState.WAITING, "bed": None},
                            after={"state": admission.state, "bed": bed.pk, "facility": bed.facility.code})
    return admission


def _free_bed(admission: Admission) -> Bed | None:
    bed = admission.bed
    if bed is not None:
        Bed.objects.filter(pk=bed.pk).update(state=BedState.HOUSEKEEPING)
    admission.bed = None
    return bed


def discharge(actor, case, at: dt.datetime | None = None) -> Admission | None:
    """The pathway's discharge step: the open admission ends and its bed goes to housekeeping."""
    admission = Admission.objects.select_for_update().filter(case=case).exclude(
        state=AdmissionState.DISCHARGED).first()
    if admission is None:
        return None
    before = {"state": admission.state, "bed": admission.bed_id}
    _free_bed(admission)
    admission.state, admission.discharged_at = AdmissionState.DISCHARGED, at or timezone.now()
    admission.save()
    audit.record_change(actor, Action.ADMISSION_CHANGE, admission, person=admission.person, before=before,
                        after={"state": admission.state, "bed": None})
    return admission


def request_transfer(actor, admission_id, *, destination_id, reason: str) -> Transfer:
    require(actor, "transfer.request")
    with transaction.atomic():
        admission = get_visible(admissions_for(actor).select_for_update(of=("self",)), admission_id)
        problems = Problems()
        if admission.state != AdmissionState.IN_BED:
            problems.add("admission", _("only a patient in a bed is transferred"))
        destination = Facility.objects.filter(pk=destination_id).first() if str(destination_id or "").isdigit() \
            else None
        if destination is None or destination.state != FacilityState.OPEN:
            problems.add("destination", _("choose an open facility to transfer to"))
        elif destination.pk == admission.facility_id:
            problems.add("destination", _("the patient is already there"))
        if not (reason or "").strip():
            problems.add("reason", _("say why the patient is transferred"))
        if admission.transfers.filter(state__in=[TransferState.REQUESTED, TransferState.ACCEPTED]).exists():
            problems.add("admission", _("a transfer of this patient is already under way"))
        problems.refuse_if_any()
        transfer = Transfer.objects.create(admission=admission, source=admission.facility, destination=destination,
                                           reason=reason.strip(), requested_at=timezone.now(), requested_by=actor,
                                           owner_path=_common(admission.facility.owner_path,
                                                              destination.owner_path))
        audit.record_change(actor, Action.ADMISSION_CHANGE, transfer, person=admission.person, before={},
                            after={"state": transfer.state, "from": transfer.source.code,
                                   "to": destination.code})
    return transfer


def _common(a: str, b: str) -> str:
    """The nearest place above both paths (a transfer is seen by those who oversee both ends)."""
    parts = []
    for x, y in zip(a.split("/")[:-1], b.split("/")[:-1], strict=False):
        if x != y:
            break
        parts.append(x + "/")
    return "".join(parts)


def step_transfer(actor, transfer_id, step: str) -> Transfer:
    """Accept or refuse (the destination), complete (the patient arrived: the old bed to housekeeping, the patient
    waits for a bed of the destination)."""
    require(actor, "transfer.decide")
    with transaction.atomic():
        transfer = get_visible(transfers_for(actor).select_for_update(of=("self",)), transfer_id)
        after = TRANSFER_STEPS.get((transfer.state, step))
        if after is None:
            raise InputRefused(("step", _("this transfer is %(s)s: it cannot take this step")
                                % {"s": transfer.get_state_display()}))
        before, now = transfer.state, timezone.now()
        transfer.state = after
        if step in ("accept", "refuse"):
            transfer.decided_at = now
        if step == "complete":
            transfer.completed_at = now
            admission = Admission.objects.select_for_update().get(pk=transfer.admission_id)
            _free_bed(admission)
            admission.state, admission.facility = AdmissionState.WAITING, transfer.destination
            admission.tier, admission.waiting_since = transfer.destination.tier, now
            admission.owner_path = transfer.destination.owner_path
            admission.save()
        transfer.save()
        audit.record_change(actor, Action.ADMISSION_CHANGE, transfer, person=transfer.admission.person,
                            before={"state": before}, after={"state": after}, step=step)
    return transfer


# --- counts: the census and 床等人 --------------------------------------------------------------------------------

@dataclass
class Place:
    """One place of the tree and everything under it: beds by tier and state, patients waiting by tier."""

    path: str
    name: str = ""
    beds: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    waiting: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    overdue: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def free(self, tier: str) -> int:
        return self.beds[tier][BedState.UNOCCUPIED]

    def occupied(self, tier: str) -> int:
        return self.beds[tier][BedState.OCCUPIED]

    def total(self, tier: str) -> int:
        return sum(self.beds[tier].values())

    def in_service(self, tier: str) -> int:
        return self.total(tier) - self.beds[tier][BedState.CLOSED]

    def cells(self) -> list[tuple[str, int, int, int, int]]:
        """(tier, free, in service, waiting, overdue) for each tier: one row of the 床等人 table."""
        return [(t, self.free(t), self.in_service(t), self.waiting[t], self.overdue[t]) for t in Tier.values]

    def gap(self, tier: str) -> int:
        """Free beds less patients waiting: below 0 the patients wait for beds (人等床), not beds for patients."""
        return self.free(tier) - self.waiting[tier]


def _ancestors(path: str, top: str) -> list[str]:
    """The path and every place above it, down from `top` (each prefix of a path that ends with '/' is a place)."""
    return [path[:i + 1] for i, c in enumerate(path) if c == "/" and i + 1 >= len(top)]


def waiting_for_beds() -> QuerySet[Admission]:
    """Every patient waiting for a bed (the dashboard counts them under their place)."""
    return Admission.objects.filter(state=AdmissionState.WAITING)


def overdue(now: dt.datetime) -> Q:
    """Waiting longer than the settings allow for the tier."""
    cuts = Q(pk__in=[])
    for tier in Tier.values:
        cuts |= Q(tier=tier, waiting_since__lt=now - dt.timedelta(hours=wait_hours(tier)))
    return cuts


def census(actor, now: dt.datetime | None = None, *, depth: int | None = None) -> dict[str, Place]:
    """Beds by tier and state, patients waiting and overdue by tier, for every place under the actor, each place
    counting everything below it; two grouped counts, however many facilities."""
    now = now or timezone.now()
    top = scope_path(actor) or ""
    places: dict[str, Place] = {}

    def place(path: str) -> Place:
        found = places.get(path)
        if found is None:
            found = places[path] = Place(path)
        return found

    beds = (Bed.objects.visible_to(actor).values_list("owner_path", "tier", "state").annotate(n=Count("pk"))
            .order_by())
    for path, tier, state, n in beds:
        for p in _ancestors(path, top):
            place(p).beds[tier][state] += n
    waiting = (waiting_for_beds().filter(owner_path__startswith=top).values_list("owner_path", "tier")
               .annotate(n=Count("pk"), late=Count("pk", filter=overdue(now))).order_by())
    for path, tier, n, late in waiting:
        for p in _ancestors(path, top):
            place(p).waiting[tier] += n
            place(p).overdue[tier] += late
    return places


def capacity_under(path: str) -> dict[str, dict[str, int]]:
    """Beds under a place by tier, counted from the beds: in service (all but closed), occupied, free."""
    out = {t: {"in_service": 0, "occupied": 0, "free": 0} for t in Tier.values}
    rows = (Bed.objects.filter(owner_path__startswith=path).values_list("tier", "state").annotate(n=Count("pk"))
            .order_by())
    for tier, state, n in rows:
        if state != BedState.CLOSED:
            out[tier]["in_service"] += n
        if state == BedState.OCCUPIED:
            out[tier]["occupied"] += n
        if state == BedState.UNOCCUPIED:
            out[tier]["free"] += n
    return out


def census_baseline(actor) -> dict[int, dict[str, int]]:
    """The naive count the benchmark compares with: one ORM count per facility and tier state."""
    out = {}
    for f in facilities_for(actor):
        out[f.pk] = {"free": Bed.objects.filter(facility=f, state=BedState.UNOCCUPIED).count(),
                     "occupied": Bed.objects.filter(facility=f, state=BedState.OCCUPIED).count()}
    return out


def runway(free: int, occupied: int, waiting: int, daily_new: float, daily_out: float, days: int) -> int | None:
    """The day (1-based) on which a tier runs out of free beds with `daily_new` admissions and `daily_out`
    discharges a day, or None if not within `days`."""
    left = free - waiting
    if left < 0:
        return 1
    for day in range(1, days + 1):
        left += daily_out - daily_new
        if left < 0:
            return day
    return None
