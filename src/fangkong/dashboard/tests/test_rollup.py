"""On a seeded city with cases, orders, readings and alerts: every level equals the sum of its children."""

import datetime as dt
import random

from django.utils import timezone

from fangkong.accounts.models import Role, User
from fangkong.cases import services as cases
from fangkong.dashboard.services import FIGURES, summary
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.models import Person
from fangkong.quarantine import services as quarantine
from fangkong.synthetic.seed import seed_city


def test_every_level_is_the_sum_of_its_children_plus_what_it_owns(db):
    root = seed_city(6_000, seed=9)
    chief = User.objects.create(username="chief", role=Role.COMMAND, jurisdiction=root)
    county = Jurisdiction.objects.filter(level=Level.COUNTY).first()
    site = quarantine.add_site(chief, name="隔离点", jurisdiction_code=county.code, rooms=5)
    rng = random.Random(1)
    people = list(Person.objects.order_by("id"))
    rng.shuffle(people)
    now = timezone.now()
    for person in people[:40]:
        case = cases.open_case(chief, person.pk, detected_at=now - dt.timedelta(hours=rng.randint(1, 90)))
        if rng.random() < 0.5:
            cases.transition(chief, case.pk, "confirm")
        if rng.random() < 0.2:
            cases.set_severity(chief, case.pk, rng.choice(["severe", "critical"]))
    for person in people[40:100]:
        quarantine.place_order(chief, person.pk, kind="home", reason="close_contact",
                               starts_at=now - dt.timedelta(days=2))
        quarantine.record_reading(chief, person.pk, temperature=rng.choice(["36.5", "38.2"]))
    for person, room in zip(people[100:105], site.rooms.all()):
        quarantine.place_order(chief, person.pk, kind="central", reason="risk_area", room_id=room.pk,
                               starts_at=now - dt.timedelta(days=1))
        quarantine.record_reading(chief, person.pk, temperature="38.5")
    quarantine.sweep_missed_readings()

    top = summary(root)
    assert top.totals["home_observation"] == 60 and top.totals["central_quarantine"] == 5
    assert top.totals["suspected"] + top.totals["confirmed"] == 40
    assert top.totals["fever_alerts"] >= 5 and top.totals["missed_alerts"] > 0
    for node in Jurisdiction.objects.exclude(level=Level.GRID):
        result = summary(node)
        for figure in FIGURES:
            children = sum(f[figure] for _, f in result.children)
            assert result.totals[figure] == children + result.direct[figure], (node.code, figure)
    assert summary(county).direct["central_quarantine"] == 5  # the county's own site
