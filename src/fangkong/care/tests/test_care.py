"""Facilities, beds and admissions as their users walk them: activation in a batch and its readiness, a bed taken
once, the flow admit → bed → discharge → housekeeping → unoccupied, transfers, refusals naming the field, and the
census / 床等人 counts against an independent recount."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone, translation

from fangkong.audit.models import Action, AuditEvent
from fangkong.care import services
from fangkong.care.models import Admission, Bed, Facility
from fangkong.conftest import login_client
from fangkong.dashboard import screen
from fangkong.dashboard import services as dashboard
from fangkong.dashboard.services import summary
from fangkong.errors import Conflict, InputRefused
from fangkong.pathways import care as pathway
from fangkong.people.services import PersonInput, create_person
from fangkong.web.tests.conftest import OTHER_ID


def refused(call) -> dict[str, str]:
    with translation.override("en"):
        with pytest.raises(InputRefused) as caught:
            call()
        return {p.field: str(p.message) for p in caught.value.problems}


def test_a_batch_is_activated_with_its_ready_by_time_and_overdue_after_it(commander, tree, settings):
    settings.CARE_READY_HOURS = {**settings.CARE_READY_HOURS, "makeshift": 24, "designated": 48}
    a = services.add_facility(commander, code="FC-1", name="方舱一", kind="makeshift", jurisdiction_code="420102")
    b = services.add_facility(commander, code="DH-1", name="定点一", kind="designated", jurisdiction_code="420103")
    before = timezone.now()
    services.activate(commander, [a.pk, b.pk])
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.state, b.state) == ("preparing", "preparing")
    assert dt.timedelta(hours=24) <= a.ready_by - before < dt.timedelta(hours=24, minutes=1)
    assert dt.timedelta(hours=48) <= b.ready_by - before < dt.timedelta(hours=48, minutes=1)
    assert AuditEvent.objects.filter(action=Action.FACILITY_CHANGE, details__step="activate").count() == 2
    late = {r.facility.code: r.overdue for r in services.readiness(commander, before + dt.timedelta(hours=30))}
    assert late == {"FC-1": True, "DH-1": False}
    # a second activation of a preparing facility is refused, the whole batch with it
    c = services.add_facility(commander, code="FC-2", name="方舱二", kind="makeshift", jurisdiction_code="420102")
    assert "only a reserve or closed facility" in refused(lambda: services.activate(commander, [c.pk, a.pk]))[
        "facilities"]
    assert Facility.objects.get(pk=c.pk).state == "reserve"
    # open, then close; opening twice is refused
    services.step_facility(commander, a.pk, "open")
    assert "cannot take this step" in refused(lambda: services.step_facility(commander, a.pk, "open"))["step"]


def test_the_flow_admit_bed_discharge_housekeeping_unoccupied(opened, admitted, hospital, epidemiologist, person,
                                                             monkeypatch):
    case = admitted()
    admission = Admission.objects.get(case=case)
    assert (admission.state, admission.tier, admission.bed) == ("waiting", "makeshift", None)
    bed = opened["makeshift"].beds.order_by("pk").first()
    services.assign_bed(hospital, admission.pk, bed.pk)
    bed.refresh_from_db(), admission.refresh_from_db()
    assert (bed.state, admission.state, admission.facility_id) == ("O", "in_bed", opened["makeshift"].pk)
    # the discharge step of the pathway (its negative tests waived here) frees the bed: to housekeeping
    monkeypatch.setitem(pathway.CHECKS, "discharge", lambda case, problems: None)
    pathway.move(epidemiologist, case.pk, "discharge")
    bed.refresh_from_db(), admission.refresh_from_db()
    assert (bed.state, admission.state) == ("H", "discharged")
    services.set_bed_state(hospital, bed.pk, "U")
    assert Bed.objects.get(pk=bed.pk).state == "U"
    steps = list(AuditEvent.objects.filter(action=Action.ADMISSION_CHANGE, person=person)
                 .values_list("details__changes__state", flat=True).order_by("pk"))
    assert [s[1] for s in steps] == ["waiting", "in_bed", "discharged"]


def test_a_bed_assigned_twice_is_refused(opened, admitted, hospital, epidemiologist, grid_worker):
    first = Admission.objects.get(case=admitted())
    bed = opened["makeshift"].beds.first()
    services.assign_bed(hospital, first.pk, bed.pk)
    # the same patient again (a second click): not waiting any more
    with pytest.raises(Conflict):
        services.assign_bed(hospital, first.pk, bed.pk)
    # another patient on the same bed: refused at the bed, which keeps its patient
    other = create_person(grid_worker, PersonInput(id_number=OTHER_ID, name="李四", phone="13812345679",
                                                   grid_code=grid_worker.jurisdiction.code)).person
    case = pathway.open_case(epidemiologist, other.pk)
    pathway.move(epidemiologist, case.pk, "confirm")
    pathway.move(epidemiologist, case.pk, "admit", hospital="江岸方舱医院")
    second = Admission.objects.get(case=case)
    with translation.override("en"), pytest.raises(Conflict) as caught:
        services.assign_bed(hospital, second.pk, bed.pk)
    assert caught.value.problems[0].field == "bed" and "not free" in str(caught.value.problems[0].message)
    assert Admission.objects.get(bed=bed).pk == first.pk
    assert Admission.objects.get(pk=second.pk).state == "waiting"


def test_transfers_requested_accepted_completed(opened, admitted, hospital):
    admission = Admission.objects.get(case=admitted())
    old = opened["makeshift"].beds.first()
    services.assign_bed(hospital, admission.pk, old.pk)
    assert "say why" in refused(lambda: services.request_transfer(
        hospital, admission.pk, destination_id=opened["designated"].pk, reason=""))["reason"]
    transfer = services.request_transfer(hospital, admission.pk, destination_id=opened["designated"].pk,
                                         reason="病情加重")
    assert "already under way" in refused(lambda: services.request_transfer(
        hospital, admission.pk, destination_id=opened["designated"].pk, reason="again"))["admission"]
    assert "cannot take this step" in refused(lambda: services.step_transfer(hospital, transfer.pk, "complete"))[
        "step"]
    services.step_transfer(hospital, transfer.pk, "accept")
    services.step_transfer(hospital, transfer.pk, "complete")
    admission.refresh_from_db(), old.refresh_from_db()
    assert (old.state, admission.state, admission.facility_id, admission.tier) == (
        "H", "waiting", opened["designated"].pk, "designated")
    # a bed of the makeshift hospital is refused now; one of the destination is taken
    other = opened["makeshift"].beds.filter(state="U").first()
    assert "transferred to" in refused(lambda: services.assign_bed(hospital, admission.pk, other.pk))["bed"]
    icu = opened["designated"].beds.first()
    services.assign_bed(hospital, admission.pk, icu.pk)
    assert Bed.objects.get(pk=icu.pk).state == "O"
    assert AuditEvent.objects.filter(action=Action.ADMISSION_CHANGE, details__step__in=["accept", "complete"]
                                     ).count() == 2


def test_bad_input_names_the_field(commander, hospital, opened):
    problems = refused(lambda: services.add_facility(commander, code="", name=" ", kind="tent",
                                                     jurisdiction_code="420102"))
    assert set(problems) == {"facility_code", "facility_name", "kind"}
    assert "site" in refused(lambda: services.add_facility(commander, code="Q-1", name="隔离点", kind="quarantine",
                                                           jurisdiction_code="420102"))
    problems = refused(lambda: services.add_beds(hospital, opened["makeshift"].pk, ward="", kind="sofa", count="0"))
    assert set(problems) == {"ward", "bed_kind", "count"}
    bed = opened["makeshift"].beds.first()
    assert "cannot be set" in refused(lambda: services.set_bed_state(hospital, bed.pk, "O"))["bed_state"]
    assert "may not do this" in refused(lambda: services.activate(hospital, [opened["makeshift"].pk]))["role"]


def test_census_and_beds_waiting_for_patients_against_a_recount(opened, admitted, hospital, commander, settings,
                                                                tree):
    admission = Admission.objects.get(case=admitted())
    settings.CARE_WAIT_HOURS = {"makeshift": 1, "designated": 1}
    Admission.objects.filter(pk=admission.pk).update(waiting_since=timezone.now() - dt.timedelta(hours=2))
    services.set_bed_state(hospital, opened["makeshift"].beds.last().pk, "C")
    places = services.census(commander)
    city = places[commander.jurisdiction.path]
    assert city.free("makeshift") == Bed.objects.filter(tier="makeshift", state="U").count() == 9
    assert city.in_service("makeshift") == 9 and city.free("designated") == 4
    assert (city.waiting["makeshift"], city.overdue["makeshift"], city.gap("makeshift")) == (1, 1, 8)
    # the district and the town count the same (everything is there); district B counts nothing
    assert places["420000/420100/420102/"].free("makeshift") == 9
    assert "420000/420100/420103/" not in places
    assert services.census_baseline(commander)[opened["makeshift"].pk] == {"free": 9, "occupied": 0}
    # the dashboard's figure, and the records behind it
    assert summary(tree["city"]).totals["overdue_admissions"] == 1
    assert list(screen.figure_records(commander, tree["city"], "overdue_admissions")) == [admission]
    settings.CARE_WAIT_HOURS = {"makeshift": 3, "designated": 1}
    assert summary(tree["city"]).totals["overdue_admissions"] == 0


def test_hospital_pages_show_masked_names_and_audit_them(client, opened, admitted, hospital, person):
    admission = Admission.objects.get(case=admitted())
    c = login_client(client, hospital)
    page = c.get("/care/admissions/").content.decode()
    assert "张**" in page and "张三" not in page
    c.post(f"/care/admissions/{admission.pk}/bed/", {"bed": opened["makeshift"].beds.first().pk})
    board = c.get(f"/care/facilities/{opened['makeshift'].pk}/").content.decode()
    assert "张**" in board and "张三" not in board
    assert AuditEvent.objects.filter(action=Action.VIEW_PERSON, person=person,
                                     details__surface="care-ward-board").exists()
    assert c.get("/care/").status_code == 200 and c.get("/care/transfers/").status_code == 200


def test_the_forecast_reads_the_real_beds_by_tier_and_says_when_each_runs_out(opened, admitted, hospital, tree):
    admitted()  # one mild case in hospital: the makeshift tier takes all the projected patients
    services.set_bed_state(hospital, opened["makeshift"].beds.last().pk, "C")
    tiers = dashboard._tier_capacity(tree["city"])
    assert tiers["makeshift"] == {"in_service": 9, "occupied": 0, "free": 9, "share": 1.0}
    assert tiers["designated"]["in_service"] == 4 and tiers["designated"]["share"] == 0
    dates = ["d0", "d1", "d2", "d3"]
    assert dashboard._tiers_run_out(np.array([1, 5, 9, 10]), tiers, dates) == {"makeshift": "d3", "designated": None}
    tiers["designated"]["share"], tiers["makeshift"]["share"] = 0.5, 0.5
    assert dashboard._tiers_run_out(np.array([1, 9, 10, 20]), tiers, dates) == {"makeshift": "d3", "designated": "d1"}
