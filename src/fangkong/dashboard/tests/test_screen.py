"""The hall screen's page and panels, and the records behind every figure: the same rows the figure counts,
scoped to the viewer, audited, and refused to a role that may not see the figure."""

import pytest

from fangkong.accounts.models import Role
from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import login_client, make_user
from fangkong.dashboard import screen, services
from fangkong.dashboard.tests.test_tiles import people
from fangkong.quarantine import services as quarantine
from fangkong.testing import campaigns


@pytest.fixture
def fevers(grid_worker):
    """Two people under home observation in grid a1, one with a fever."""
    hot, cool = people(grid_worker, 2)
    for someone in (hot, cool):
        quarantine.place_order(grid_worker, someone.pk, kind="home", reason="close_contact")
    quarantine.record_reading(grid_worker, hot.pk, temperature="38.9")
    return hot, cool


def test_the_screen_has_every_panel_and_no_menu(client, tree, commander):
    login_client(client, commander)
    page = client.get("/dashboard/420100/?screen=1").content.decode()
    for name in screen.PANELS:
        assert f'data-panel="{name}"' in page and f"/dashboard/420100/panel/{name}/" in page
    assert 'class="mainnav"' not in page and "/logout/" not in page and 'http-equiv="refresh"' not in page
    assert 'data-testid="clock"' in page and 'data-testid="as-of"' in page


def test_the_whole_screen_reads_the_summary_and_the_curve_once(client, tree, commander, monkeypatch):
    """Three panels show them; at 10M people each read is the refresh's dearest part (bench/README.md, P2)."""
    calls = []

    def counting(name):
        read = getattr(services, name)
        return lambda *args, **kwargs: calls.append(name) or read(*args, **kwargs)
    for name in ("summary", "epidemic_curve"):
        monkeypatch.setattr(services, name, counting(name))
    login_client(client, commander)
    assert client.get("/dashboard/420100/?screen=1").status_code == 200
    assert sorted(calls) == ["epidemic_curve", "summary"]


def test_each_panel_is_a_fragment_that_polls_itself(client, tree, commander):
    login_client(client, commander)
    for name in screen.PANELS:
        fragment = client.get(f"/dashboard/420100/panel/{name}/").content.decode()
        assert fragment.lstrip().startswith("<section") and "<html" not in fragment
        assert 'hx-trigger="every 30s"' in fragment and f'data-panel="{name}"' in fragment
    assert client.get("/dashboard/420100/panel/nonsense/").status_code == 404


def test_a_panel_outside_the_users_subtree_is_not_found(client, tree, grid_worker):
    login_client(client, grid_worker)
    assert client.get(f"/dashboard/{tree['county_b'].code}/panel/figures/").status_code == 404


def test_alarms_that_are_not_zero_come_first(tree, commander, fevers):
    result = services.summary(tree["city"])
    ranked = screen.ranked(services.tiles(commander, result, services.epidemic_curve(tree["city"])))
    assert ranked[0].tile.name == "fever_alerts" and ranked[0].css == "alarm"
    loud = [r.tile.name for r in ranked if r.css == "alarm"]
    assert loud == ["fever_alerts"]  # the other alarms are zero: calm, further down
    assert [r.severity for r in ranked if not r.tile.value] == sorted(
        [r.severity for r in ranked if not r.tile.value], reverse=True)


def test_a_tile_opens_the_records_it_counts_and_each_person_shown_is_audited(client, tree, commander, fevers):
    hot, _cool = fevers
    login_client(client, commander)
    page = client.get("/dashboard/420100/records/fever_alerts/").content.decode()
    assert hot.name in page and _cool.name not in page
    assert services.summary(tree["city"]).totals["fever_alerts"] == 1
    seen = AuditEvent.objects.filter(action=Action.VIEW_PERSON, person=hot, details__surface="dashboard-records")
    assert seen.count() == 1
    watched = client.get("/dashboard/420100/records/home_observation/").content.decode()
    assert hot.name in watched and _cool.name in watched
    readings = client.get("/dashboard/420100/records/readings_due/").content.decode()
    assert services.summary(tree["city"]).totals["readings_due"] == readings.count('href="/persons/')


def test_the_desk_dashboard_tiles_link_to_their_records(client, tree, commander):
    login_client(client, commander)
    page = client.get("/dashboard/420100/").content.decode()
    for name in services.FIGURES:
        assert f'href="/dashboard/420100/records/{name}/" data-testid="tile-{name}"' in page


def test_records_are_scoped_and_withheld_alike(client, tree, grid_worker, sibling_worker, fevers):
    hot, _cool = fevers
    login_client(client, sibling_worker)  # the sibling grid: the same district, not their grid
    district = client.get(f"/dashboard/{tree['county_a'].code}/records/fever_alerts/")
    assert district.status_code == 404  # a grid worker sees only their grid
    own = client.get(f"/dashboard/{sibling_worker.jurisdiction.code}/records/fever_alerts/").content.decode()
    assert hot.name not in own
    login_client(client, make_user("public-1", Role.PUBLIC, tree["city"]))
    assert client.get("/dashboard/420100/records/fever_alerts/").status_code == 403
    assert client.get("/dashboard/420100/records/suspected/").status_code == 403  # published, but names people
    assert client.get("/dashboard/420100/records/nonsense/").status_code == 404


def test_the_testing_panel_shows_the_running_round_against_its_target(client, tree, commander):
    login_client(client, commander)
    quiet = client.get("/dashboard/420100/panel/testing/").content.decode()
    assert 'data-testid="round"' not in quiet
    campaigns.declare_campaign(commander, name="全员核酸", area_code=tree["city"].code)
    panel = client.get("/dashboard/420100/panel/testing/").content.decode()
    assert panel.count('data-testid="round"') == 1 and "全员核酸" in panel and "第 1 轮" in panel
