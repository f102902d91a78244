"""Rosters of the product: solved under the post's rest rules, explained, edited by hand only within them,
deployments and shifts refused when they break a rule (naming it and the person), seen only inside the subtree."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import translation

from fangkong.accounts.models import Role
from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import make_user, xlsx_rows
from fangkong.errors import InputRefused
from fangkong.workforce import services
from fangkong.workforce.models import Assignment, RosterStatus
from fangkong.workforce.rostering.evaluate import breaches

from .fixtures import MONDAY, ward


@pytest.fixture(autouse=True)
def english():
    """The refusals are read in English here (the product speaks Chinese first: the browser test reads that)."""
    with translation.override("en"):
        yield


def solved(actor, roster):
    services.queue_solve(actor, roster.pk)
    assert [r.pk for r in services.sweep_rosters(workers=1)] == [roster.pk]
    roster.refresh_from_db()
    return roster


def messages(refused) -> str:
    return " ".join(str(p.message) for p in refused.value.problems)


@pytest.fixture
def planned(commander):
    return ward(commander)


def test_a_solved_roster_keeps_every_rest_rule_and_explains_its_penalty(commander, planned):
    post, staff, roster = planned
    roster = solved(commander, roster)
    assert roster.status == RosterStatus.SOLVED and roster.penalty is not None and roster.progress
    built = services.build_problem(roster)
    assignments = services.current_roster(built)
    assert breaches(built.problem, assignments) == []
    # the night shift ends at midnight: 8 h to the next day shift, under the ward's 14 h rest
    assert built.problem.forbidden == {("N", "D"): "min_rest"}
    assert all(not (assignments.get((e, d)) == "N" and assignments.get((e, d + 1)) == "D")
               for e in built.staff for d in range(13))
    assert roster.explanation["penalty"] == roster.penalty
    # six nurses for three wanted a day (two days, one night): every place filled, nobody over
    assert roster.penalty == 0 and Assignment.objects.filter(roster=roster).count() == 3 * 14
    assert AuditEvent.objects.filter(action=Action.ROSTER_CHANGE).exists()


def test_a_hand_edit_that_breaks_the_minimum_rest_is_refused_naming_rule_and_person(commander, planned):
    post, staff, roster = planned
    roster = solved(commander, roster)
    nurse = staff[0]
    Assignment.objects.filter(roster=roster, staff=nurse).delete()
    services.set_shift(commander, roster.pk, nurse.pk, day=MONDAY, shift_code="N")
    with pytest.raises(InputRefused) as refused:
        services.set_shift(commander, roster.pk, nurse.pk, day=MONDAY + dt.timedelta(days=1), shift_code="D")
    assert "minimum rest between two shifts" in messages(refused) and nurse.name in messages(refused)
    assert not Assignment.objects.filter(roster=roster, staff=nurse, day=MONDAY + dt.timedelta(days=1)).exists()


def test_a_hand_edit_past_the_working_days_in_a_row_is_refused(commander, planned):
    post, staff, roster = planned
    nurse = staff[1]
    for day in range(5):
        services.set_shift(commander, roster.pk, nurse.pk, day=MONDAY + dt.timedelta(days=day), shift_code="D")
    with pytest.raises(InputRefused) as refused:
        services.set_shift(commander, roster.pk, nurse.pk, day=MONDAY + dt.timedelta(days=5), shift_code="D")
    assert "most working days in a row" in messages(refused) and nurse.name in messages(refused)
    services.set_shift(commander, roster.pk, nurse.pk, day=MONDAY + dt.timedelta(days=7), shift_code="D")
    edits = AuditEvent.objects.filter(action=Action.ROSTER_CHANGE, details__staff=nurse.pk)
    assert edits.count() == 6 and edits.first().details["changes"] == {"shift": ["", "D"]}


def test_a_hand_edit_on_a_day_of_health_monitoring_is_refused(commander, planned):
    post, staff, roster = planned
    icu = services.add_post(commander, name="ICU", kind="icu", jurisdiction_code="420102")
    newcomer = services.add_staff(commander, services.StaffInput(name="赵医生", kind="medical", employer="协和医院",
                                                                 jurisdiction_code="420102"))
    services.deploy(commander, newcomer.pk, icu.pk, starts_on=MONDAY - dt.timedelta(days=10),
                    ends_on=MONDAY - dt.timedelta(days=2))
    services.deploy(commander, newcomer.pk, post.pk, starts_on=MONDAY + dt.timedelta(days=6),
                    ends_on=MONDAY + dt.timedelta(days=13))
    with pytest.raises(InputRefused) as refused:  # the ICU rotation ended on day -2: 5 days monitored, to day 3
        services.set_shift(commander, roster.pk, newcomer.pk, day=MONDAY + dt.timedelta(days=1), shift_code="D")
    assert "health monitoring" in messages(refused) and "赵医生" in messages(refused)
    with pytest.raises(InputRefused) as refused:  # monitoring is over, but not yet deployed here
        services.set_shift(commander, roster.pk, newcomer.pk, day=MONDAY + dt.timedelta(days=4), shift_code="D")
    assert "not deployed to this post" in messages(refused)
    services.set_shift(commander, roster.pk, newcomer.pk, day=MONDAY + dt.timedelta(days=6), shift_code="D")


def test_a_deployment_past_the_rotation_limit_or_during_monitoring_is_refused(commander, planned):
    post, staff, roster = planned
    with pytest.raises(InputRefused) as refused:  # the ward's 30 days, continuing the 14 already planned
        services.deploy(commander, staff[0].pk, post.pk, starts_on=MONDAY + dt.timedelta(days=14),
                        ends_on=MONDAY + dt.timedelta(days=30))
    assert "most days in a row at one post" in messages(refused) and staff[0].name in messages(refused)
    other = services.add_post(commander, name="二病区", kind="red_zone_ward", jurisdiction_code="420102")
    with pytest.raises(InputRefused) as refused:  # 5 days of monitoring after the ward
        services.deploy(commander, staff[0].pk, other.pk, starts_on=MONDAY + dt.timedelta(days=16),
                        ends_on=MONDAY + dt.timedelta(days=20))
    assert "health monitoring" in messages(refused)
    services.deploy(commander, staff[0].pk, other.pk, starts_on=MONDAY + dt.timedelta(days=19),
                    ends_on=MONDAY + dt.timedelta(days=25))


def test_a_shift_longer_than_the_protective_equipment_allows_is_refused(commander, planned):
    post, staff, roster = planned
    with pytest.raises(InputRefused) as refused:
        services.add_shift_type(commander, post.pk, code="L", name="长班", starts_at=dt.time(8), minutes=480)
    assert "longest shift in protective equipment" in messages(refused)
    assert refused.value.problems[0].field == "minutes"


def test_a_cover_no_staff_can_meet_is_explained_not_left_hanging(commander):
    post, staff, roster = ward(commander, nurses=("甲", "乙"), minimum_day=2)
    roster = solved(commander, roster)
    assert roster.status == RosterStatus.INFEASIBLE
    conflict = " ".join(roster.explanation["conflict"])
    assert "minimum cover" in conflict
    assert not roster.assignments.exists()


def test_requests_are_weighed_and_the_unmet_ones_listed(commander, planned):
    post, staff, roster = planned
    services.add_request(commander, roster.pk, staff[2].pk, day=MONDAY, kind="off", weight=5)
    with pytest.raises(InputRefused) as refused:
        services.add_request(commander, roster.pk, staff[2].pk, day=MONDAY + dt.timedelta(days=20), kind="on",
                             shift_code="X", weight=-1)
    assert {p.field for p in refused.value.problems} == {"day", "shift", "weight"}
    roster = solved(commander, roster)
    assert not Assignment.objects.filter(roster=roster, staff=staff[2], day=MONDAY).exists()


def test_readiness_counts_the_trained_not_deployed(commander, planned):
    post, staff, roster = planned
    reserve = services.add_staff(commander, services.StaffInput(name="后备", kind="medical", employer="协和医院",
                                                                jurisdiction_code="420102"))
    services.train(commander, reserve.pk, post_kind="icu", course="重症培训", completed_on=dt.date(2026, 1, 5),
                   level=1)
    services.train(commander, staff[0].pk, post_kind="icu", course="重症培训", completed_on=dt.date(2026, 1, 5),
                   level=2)
    assert services.readiness(commander, on=MONDAY)["icu"] == {1: 1, 2: 0, 3: 0}  # staff[0] is on the ward
    assert services.readiness(commander, on=MONDAY + dt.timedelta(days=20))["icu"] == {1: 1, 2: 1, 3: 0}


def test_rooms_are_not_double_booked(commander, planned):
    post, staff, roster = planned
    services.accommodate(commander, staff[0].pk, post.pk, hotel="锦江之星", room="301", starts_on=MONDAY,
                         ends_on=MONDAY + dt.timedelta(days=6))
    with pytest.raises(InputRefused) as refused:
        services.accommodate(commander, staff[1].pk, post.pk, hotel="锦江之星", room="301",
                             starts_on=MONDAY + dt.timedelta(days=6), ends_on=MONDAY + dt.timedelta(days=8))
    assert refused.value.problems[0].field == "room"


def test_roles_and_scope(commander, planned, tree, grid_worker):
    post, staff, roster = planned
    with pytest.raises(InputRefused):
        services.set_shift(grid_worker, roster.pk, staff[0].pk, day=MONDAY, shift_code="D")
    outsider = make_user("hospital-b", Role.HOSPITAL, tree["county_b"])
    with pytest.raises(Http404):
        services.grid(outsider, roster.pk)
    with pytest.raises(Http404):
        services.set_shift(outsider, roster.pk, staff[0].pk, day=MONDAY, shift_code="D")
    inside = make_user("hospital-a", Role.HOSPITAL, tree["county_a"])
    services.set_shift(inside, roster.pk, staff[0].pk, day=MONDAY, shift_code="D")


def test_own_roster_shows_only_the_persons_row(commander, planned, tree, client):
    post, staff, roster = planned
    nurse_user = make_user("nurse", Role.HOSPITAL, tree["grid_a2"])
    staff[3].user = nurse_user
    staff[3].save()
    services.set_shift(commander, roster.pk, staff[3].pk, day=MONDAY, shift_code="N")
    _, days, rows = services.own_grid(nurse_user, roster.pk)
    assert [r.staff for r in rows] == [staff[3]] and rows[0].cells[0].code == "N"
    with pytest.raises(Http404):
        services.own_grid(make_user("other", Role.HOSPITAL, tree["grid_a2"]), roster.pk)


def test_fatigue_figures_and_the_workbook(commander, planned):
    post, staff, roster = planned
    for day in (0, 1, 2):
        services.set_shift(commander, roster.pk, staff[0].pk, day=MONDAY + dt.timedelta(days=day), shift_code="N")
    _, days, rows = services.grid(commander, roster.pk, reference=MONDAY + dt.timedelta(days=2))
    row = next(r for r in rows if r.staff == staff[0])
    assert row.hours_7_days == 12 and row.nights_in_a_row == 0  # ends at midnight: an evening, not a night
    name, data = services.workbook(commander, roster.pk)
    sheet = xlsx_rows(data)
    line = next(r for r in sheet if r and r[0] == staff[0].name)
    assert line[1:4] == ["N", "N", "N"] and name.endswith(".xlsx")


def test_a_roster_is_opened_from_the_workforce_page(commander, planned, client):
    post, staff, roster = planned
    client.force_login(commander)
    page = client.get("/workforce/")
    assert post.name in page.content.decode() and 'data-testid="roster-create"' in page.content.decode()
    refused = client.post("/rosters/new/", {"post_id": post.pk, "starts_on": MONDAY.isoformat(), "days": "200",
                                            "next": "/workforce/"})
    assert refused.status_code == 200 and "排班期为1至92天" in refused.content.decode()  # the page speaks Chinese
    opened = client.post("/rosters/new/", {"post_id": post.pk, "starts_on": MONDAY.isoformat(), "days": "7"})
    created = services.rosters_for(commander).exclude(pk=roster.pk).get()
    assert opened.status_code == 302 and opened.url == f"/rosters/{created.pk}/" and created.days == 7
