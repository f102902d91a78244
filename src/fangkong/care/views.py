from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import access
from fangkong.accounts.permissions import may
from fangkong.audit import services as audit
from fangkong.quarantine.models import Site
from fangkong.web.forms import submit

from . import services
from .models import AdmissionState, BedState, FacilityKind, FacilityState, Tier, TransferState, WardKind

# The forms each page shows only to a role that may use them.
MAY = {"may_add": "facility.add", "may_change": "facility.change", "may_beds": "facility.beds",
       "may_assign": "bed.assign", "may_request": "transfer.request", "may_decide": "transfer.decide"}


def _page(request, template: str, context: dict):
    return render(request, template, {**context, **{name: may(request.user, w) for name, w in MAY.items()}})


def _rows(places: dict, top_depth: int | None = None):
    """Places of the roll-up, the top first, two levels down at most."""
    paths = sorted(places, key=lambda p: (p.count("/"), p))
    if not paths:
        return []
    least = paths[0].count("/")
    return [places[p] for p in paths if p.count("/") <= least + 1]


@login_required
def facilities(request):
    """The command centre's view: 床等人 by tier rolled up by place, readiness of the facilities activated, the
    batch activation and the register of facilities."""
    user = request.user
    places = services.census(user)
    names = dict(access.jurisdictions_for(user).filter(path__in=list(places)).values_list("path", "name"))
    rows = _rows(places)
    for row in rows:
        row.name = names.get(row.path, row.path)
    listed = list(services.facilities_for(user)[:500])
    return _page(request, "care/facilities.html", {
        "rows": rows, "tiers": Tier.choices, "readiness": services.readiness(user), "facilities": listed,
        "to_activate": [f for f in listed if f.state in (FacilityState.RESERVE, FacilityState.CLOSED)],
        "kinds": FacilityKind.choices, "tier_choices": Tier.choices,
        "site_choices": [(str(s.pk), s.name) for s in Site.objects.visible_to(user)[:300]] if may(
            user, "facility.add") else [],
        "jurisdiction_choices": [(j.code, f"{j.name} ({j.code})") for j in
                                 access.jurisdictions_for(user).order_by("path")[:300]]})


@login_required
@require_POST
def add_facility(request):
    post = request.POST
    return submit(request, lambda: services.add_facility(
        request.user, code=post.get("facility_code", ""), name=post.get("facility_name", ""),
        kind=post.get("kind", ""), jurisdiction_code=post.get("jurisdiction", ""), tier=post.get("tier", ""),
        site_id=post.get("site") or None), _("Facility added"), "care")


@login_required
@require_POST
def activate(request):
    return submit(request, lambda: services.activate(request.user, request.POST.getlist("facilities")),
                  _("Facilities activated"), "care")


@login_required
@require_POST
def step_facility(request, facility_id):
    return submit(request, lambda: services.step_facility(request.user, facility_id, request.POST.get("step", "")),
                  _("Facility updated"), "care")


@login_required
def ward_board(request, facility_id):
    """One facility's beds, ward by ward, and who is in them (masked names, each view audited)."""
    facility = services.get_facility(request.user, facility_id)
    beds = list(services.beds_for(request.user).filter(facility=facility).select_related("admission__person"))
    patients = [b.admission for b in beds if hasattr(b, "admission") and b.admission is not None]
    audit.seen(request.user, patients, surface="care-ward-board")
    wards: dict = {}
    for bed in beds:
        wards.setdefault(bed.ward, []).append(bed)
    return _page(request, "care/ward_board.html", {
        "facility": facility, "wards": wards, "bed_kinds": WardKind.choices,
        "bed_steps": [(s, label) for s, label in BedState.choices if s != BedState.OCCUPIED],
        "destinations": [(str(f.pk), f.name) for f in services.facilities_for(request.user).filter(
            state=FacilityState.OPEN).exclude(pk=facility.pk)[:300]]})


@login_required
@require_POST
def add_beds(request, facility_id):
    post = request.POST
    return submit(request, lambda: services.add_beds(request.user, facility_id, ward=post.get("ward", ""),
                                                     kind=post.get("bed_kind", ""), count=post.get("count", "")),
                  _("Beds added"), reverse("care-ward-board", args=[facility_id]))


@login_required
@require_POST
def set_bed_state(request, bed_id):
    return submit(request, lambda: services.set_bed_state(request.user, bed_id, request.POST.get("bed_state", "")),
                  _("Bed updated"), "care-admissions")


@login_required
def admissions(request):
    """Patients waiting for a bed (oldest first, overdue marked) and the free beds to give them."""
    user = request.user
    waiting = list(services.admissions_for(user).filter(state=AdmissionState.WAITING)[:200])
    audit.seen(user, waiting, surface="care-admissions")
    free = list(services.beds_for(user).filter(state=BedState.UNOCCUPIED, facility__state=FacilityState.OPEN)
                .order_by("facility__code", "ward__name", "code")[:500])
    now = services.timezone.now()
    for a in waiting:
        a.overdue = (now - a.waiting_since).total_seconds() > services.wait_hours(a.tier) * 3600
        a.bed_choices = [(str(b.pk), f"{b.facility.name} · {b.ward.name} {b.code}") for b in free
                         if b.tier == a.tier and (not a.facility_id or b.facility_id == a.facility_id)]
    return _page(request, "care/admissions.html", {"waiting": waiting})


@login_required
@require_POST
def assign_bed(request, admission_id):
    return submit(request, lambda: services.assign_bed(request.user, admission_id, request.POST.get("bed", "")),
                  _("Bed assigned"), "care-admissions")


@login_required
def transfers(request):
    rows = list(services.transfers_for(request.user)[:200])
    audit.seen(request.user, [t.admission for t in rows], surface="care-transfers")
    return _page(request, "care/transfers.html", {"rows": rows, "states": TransferState})


@login_required
@require_POST
def request_transfer(request, admission_id):
    post = request.POST
    return submit(request, lambda: services.request_transfer(
        request.user, admission_id, destination_id=post.get("destination", ""), reason=post.get("reason", "")),
        _("Transfer requested"), "care-transfers")


@login_required
@require_POST
def step_transfer(request, transfer_id):
    return submit(request, lambda: services.step_transfer(request.user, transfer_id, request.POST.get("step", "")),
                  _("Transfer updated"), "care-transfers")
