import datetime as dt

import pytest
from django.utils import timezone

from fangkong.conftest import make_user
from fangkong.errors import Conflict, InputRefused
from fangkong.people.services import PersonInput, create_person
from fangkong.quarantine import services
from fangkong.quarantine.models import OrderStatus, SlotStatus


@pytest.fixture
def site(commander, tree):
    return services.add_site(commander, name="江岸区集中隔离点", jurisdiction_code=tree["county_a"].code, rooms=1,
                             family_rooms=1)


@pytest.fixture
def second_person(grid_worker):
    return create_person(grid_worker, PersonInput(id_number="420102198501010016", name="李四",
                                                  grid_code=grid_worker.jurisdiction.code)).person


def test_one_active_order_per_person(person, grid_worker):
    services.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    with pytest.raises(Conflict):
        services.place_order(grid_worker, person.pk, kind="home", reason="risk_area")


def test_a_room_holds_one_order_unless_it_is_a_family_room(person, second_person, commander, site):
    single = site.rooms.get(family_room=False)
    services.place_order(commander, person.pk, kind="central", reason="close_contact", room_id=single.pk)
    with pytest.raises(Conflict) as caught:
        services.place_order(commander, second_person.pk, kind="central", reason="close_contact", room_id=single.pk)
    assert caught.value.problems[0].field == "room"
    services.end_order(commander, person.quarantine_orders.get().pk, status="released_early", note="转院")
    services.place_order(commander, second_person.pk, kind="central", reason="close_contact", room_id=single.pk)


def test_a_family_room_takes_a_family(person, second_person, commander, site):
    family = site.rooms.get(family_room=True)
    for someone in (person, second_person):
        order = services.place_order(commander, someone.pk, kind="central", reason="close_contact", room_id=family.pk)
        assert order.owner_path == site.owner_path  # the site watches them, and its alerts are its own


def test_extension_adds_windows_and_early_release_needs_a_reason(person, grid_worker):
    order = services.place_order(grid_worker, person.pk, kind="home", reason="risk_area",
                                 starts_at=timezone.now() - dt.timedelta(days=1))
    before = order.slots.count()
    order = services.extend_order(grid_worker, order.pk, 7)
    assert order.slots.count() == before + 14
    with pytest.raises(InputRefused) as caught:
        services.end_order(grid_worker, order.pk, status="released_early")
    assert caught.value.problems[0].field == "note"
    with pytest.raises(InputRefused):
        services.end_order(grid_worker, order.pk, status="released")  # not yet at its planned end
    services.end_order(grid_worker, order.pk, status="released_early", note="排除密接")
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED_EARLY
    assert not order.slots.filter(status=SlotStatus.DUE, closes_at__gt=timezone.now()).exists()


def test_hospital_staff_of_another_county_cannot_place_an_order_here(person, tree):
    stranger = make_user("h2", "hospital", tree["county_b"])
    from django.http import Http404

    with pytest.raises(Http404):
        services.place_order(stranger, person.pk, kind="home", reason="close_contact")
