"""The field user's home page is the day's work: each queue with its count and nearest deadline, late work first,
only the user's own unit counted."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.conftest import login_client, make_user
from fangkong.dashboard import today
from fangkong.dashboard.tests.test_tiles import people
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import ReadingSlot
from fangkong.reporting import services as reporting


@pytest.mark.parametrize("role", sorted(today.FIELD_ROLES))
def test_a_field_user_lands_on_the_days_work(client, tree, role):
    login_client(client, make_user(f"u-{role}", role, tree["grid_a1"]))
    assert client.get("/").url == "/today/"


def test_a_desk_user_lands_on_their_jurisdiction(client, tree, commander):
    login_client(client, commander)
    assert client.get("/").url == f"/j/{tree['city'].code}/"


def test_the_day_counts_each_queue_and_puts_late_work_first(client, tree, grid_worker, sibling_worker):
    hot, watched = people(grid_worker, 2)
    for someone in (hot, watched):
        quarantine.place_order(grid_worker, someone.pk, kind="home", reason="close_contact")
    quarantine.record_reading(grid_worker, hot.pk, temperature="38.7")  # a fever alert: act now
    now = timezone.now()
    open_now = ReadingSlot.objects.filter(opens_at__lte=now, closes_at__gt=now, status="due").count()
    items = {i.name: i for i in today.day_work(grid_worker)}
    assert items["fever_alerts"].count == 1 and items["fever_alerts"].late
    assert items["readings_now"].count == open_now
    assert items["zero_report"].count == 1
    order = [i.name for i in today.day_work(grid_worker)]
    assert order[0] == "fever_alerts"  # the late one leads
    assert order[-1] != "fever_alerts" and all(not i.count for i in today.day_work(grid_worker)[-3:])
    assert {i.name: i.count for i in today.day_work(sibling_worker)}["fever_alerts"] == 0  # not their grid
    reporting.submit(grid_worker, tree["grid_a1"].code, timezone.localdate())
    assert {i.name: i.count for i in today.day_work(grid_worker)}["zero_report"] == 0
    login_client(client, grid_worker)
    page = client.get("/today/").content.decode()
    assert page.index('data-testid="work-fever_alerts"') < page.index('data-testid="work-zero_report"')
    assert 'data-testid="count-fever_alerts">1<' in page


def test_the_zero_report_is_late_after_its_hour(tree, grid_worker, settings):
    settings.ZERO_REPORT_DUE_HOUR = 9
    morning = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8)))
    evening = morning + dt.timedelta(hours=10)
    assert not {i.name: i for i in today.day_work(grid_worker, now=morning)}["zero_report"].late
    assert {i.name: i for i in today.day_work(grid_worker, now=evening)}["zero_report"].late


def test_a_role_without_people_counts_none(tree, grid_worker):
    hot, = people(grid_worker, 1)
    quarantine.place_order(grid_worker, hot.pk, kind="home", reason="close_contact")
    logistics = make_user("logi", Role.LOGISTICS, tree["city"])
    assert all(i.count == 0 for i in today.day_work(logistics) if i.name != "zero_report")
