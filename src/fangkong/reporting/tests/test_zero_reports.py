"""Zero reports: figures from the registers, completeness at every level, corrections as versions."""

import datetime as dt
import random

import pytest
from django.http import Http404
from django.utils import timezone

from fangkong.accounts.models import Role, User
from fangkong.accounts.services import create_token
from fangkong.conftest import login_client
from fangkong.errors import InputRefused
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.quarantine import services as quarantine
from fangkong.reporting import services
from fangkong.reporting.models import DailyReport
from fangkong.synthetic.seed import seed_city


def test_completeness_adds_up_at_every_level_on_a_seeded_city(db):
    root = seed_city(12_000, seed=5)
    chief = User.objects.create(username="chief", role=Role.COMMAND, jurisdiction=root)
    today = timezone.localdate()
    grids = list(Jurisdiction.objects.filter(level=Level.GRID).order_by("code"))
    reported = random.Random(2).sample(grids, len(grids) * 2 // 3)
    for grid in reported:
        services.submit(chief, grid.code, today)
    whole = services.completeness(root, today)
    assert (whole.grids, whole.grids_reported) == (len(grids), len(reported))
    assert {g.code for g in whole.missing_grids} == {g.code for g in grids} - {g.code for g in reported}
    for level in (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.COMMUNITY):
        for node in Jurisdiction.objects.filter(level=level)[:5]:
            result = services.completeness(node, today)
            assert result.grids == sum(c.grids for c in result.children)
            assert result.grids_reported == sum(c.grids_reported for c in result.children)
            assert result.grids_reported == sum(1 for g in reported if g.path.startswith(node.path))


def test_a_grid_with_nothing_to_report_still_reports_zeros(grid_worker, tree):
    report = services.submit(grid_worker, tree["grid_a1"].code, timezone.localdate())
    assert report.figures == {name: 0 for name in services.FIGURES}
    assert services.completeness(tree["community_a"], timezone.localdate()).grids_reported == 1


def test_the_figures_come_from_the_registers(grid_worker, person, tree):
    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    quarantine.record_reading(grid_worker, person.pk, temperature="38.5")
    report = services.submit(grid_worker, tree["grid_a1"].code, timezone.localdate())
    assert (report.figures["under_observation"], report.figures["open_alerts"]) == (1, 1)


def test_a_late_correction_is_a_new_version_and_the_first_is_kept(grid_worker, person, tree):
    day = timezone.localdate()
    first = services.submit(grid_worker, tree["grid_a1"].code, day, idempotency_key="phone-1")
    assert services.submit(grid_worker, tree["grid_a1"].code, day, idempotency_key="phone-1").pk == first.pk
    with pytest.raises(InputRefused) as refused:
        services.submit(grid_worker, tree["grid_a1"].code, day)
    assert refused.value.problems[0].field == "note"
    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    second = services.submit(grid_worker, tree["grid_a1"].code, day, note="漏报一名居家观察人员")
    assert (second.version, second.figures["under_observation"]) == (2, 1)
    kept = DailyReport.objects.get(pk=first.pk)
    assert kept.superseded_at is not None and kept.figures["under_observation"] == 0
    assert [r.version for r in services.versions(tree["grid_a1"], day)] == [1, 2]


def test_a_worker_reports_only_for_their_own_unit_and_not_ahead(grid_worker, tree):
    with pytest.raises(Http404):
        services.submit(grid_worker, tree["grid_a2"].code, timezone.localdate())
    with pytest.raises(InputRefused) as refused:
        services.submit(grid_worker, tree["grid_a1"].code, timezone.localdate() + dt.timedelta(days=1))
    assert refused.value.problems[0].field == "day"


def test_the_page_and_the_api_submit_and_show_completeness(client, grid_worker, commander, tree):
    login_client(client, grid_worker)
    client.post(f"/reports/{tree['grid_a1'].code}/submit/", {"key": "form-1", "day": timezone.localdate().isoformat()})
    client.post(f"/reports/{tree['grid_a1'].code}/submit/", {"key": "form-1", "day": timezone.localdate().isoformat()})
    assert DailyReport.objects.count() == 1
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(commander.username)}"
    body = client.get(f"/api/v1/jurisdictions/{tree['city'].code}/reports/{timezone.localdate().isoformat()}").json()
    assert (body["grids"], body["grids_reported"], body["reported"]) == (3, 1, False)
    assert sorted(body["missing_grids"]) == sorted([tree["grid_a2"].code, tree["grid_b1"].code])
    created = client.post(f"/api/v1/jurisdictions/{tree['city'].code}/reports",
                          {"day": timezone.localdate().isoformat()}, content_type="application/json")
    assert created.status_code == 201 and created.json()["version"] == 1
    assert client.get(f"/reports/{tree['city'].code}/").status_code == 404  # the grid worker's session
    login_client(client, commander)
    page = client.get(f"/reports/{tree['city'].code}/").content.decode()
    assert 'data-testid="grid-completeness"' in page and "1/3" in page
