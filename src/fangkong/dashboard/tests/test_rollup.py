"""On a seeded city with an outbreak staged at every level, each figure the dashboard shows, for every
jurisdiction, its children and what it holds itself, equals a recount of the rows made here with plain
ORM counts over the path prefix, independently of how `summary()` groups them."""

import datetime as dt
import random

from django.db.models import Q
from django.utils import timezone

from fangkong.accounts.models import Role, User
from fangkong.care import services as care
from fangkong.care.models import Admission
from fangkong.cases import services as cases
from fangkong.cases.models import Case, SymptomReport
from fangkong.checkpoints.models import Handover
from fangkong.dashboard.services import FIGURES, summary
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.models import Person
from fangkong.quarantine.models import Alert, Order, ReadingSlot
from fangkong.screening.models import Arrival, AssistRequest
from fangkong.synthetic.outbreak import stage_outbreak
from fangkong.synthetic.seed import seed_city


def recount(owned: Q, now: dt.datetime) -> dict[str, int]:
    """Every figure counted afresh from its table, for the rows whose owner path matches `owned`."""
    today = timezone.localdate(now)
    midnight = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_current_timezone())
    open_cases = Case.objects.filter(owned, closed_at=None).exclude(classification="excluded")
    active = Order.objects.filter(owned, status="active")
    slots = ReadingSlot.objects.filter(owned, day=today)
    alerts = Alert.objects.filter(owned, status__in=["open", "acknowledged"])
    return {
        "suspected": open_cases.filter(classification="suspected").count(),
        "confirmed": open_cases.filter(classification="confirmed").count(),
        "asymptomatic": open_cases.filter(classification="asymptomatic").count(),
        "severe": open_cases.filter(severity="severe").count(),
        "critical": open_cases.filter(severity="critical").count(),
        "new_cases_today": open_cases.filter(detected_at__gte=midnight).count(),
        "home_observation": active.filter(kind="home").count(),
        "central_quarantine": active.filter(kind="central").count(),
        "readings_due": slots.count(),
        "readings_done": slots.filter(status="done").count(),
        "readings_missed": slots.filter(status="missed").count(),
        "fever_alerts": alerts.filter(kind="fever").count(),
        "missed_alerts": alerts.filter(kind="missed").count(),
        "overdue_ledger": SymptomReport.objects.filter(owned, resolved_at=None, deadline__lt=now).count(),
        "overdue_assist": AssistRequest.objects.filter(owned, status="open", deadline__lt=now).count(),
        "overdue_handovers": Handover.objects.filter(owned, due_at__lt=now).exclude(status="confirmed").count(),
        "overdue_follow_ups": Arrival.objects.filter(owned, follow_up_done_at=None, follow_up_due__lt=now)
        .exclude(follow_up="none").count(),
        "overdue_admissions": Admission.objects.filter(owned, state="waiting").filter(care.overdue(now)).count(),
    }


def test_every_figure_at_every_level_equals_a_recount_of_the_rows(db):
    root = seed_city(3_000, seed=9)
    chief = User.objects.create(username="chief", role=Role.COMMAND, jurisdiction=root)
    stage_outbreak(chief, random.Random(7), observed=60, cases_count=30)
    newcomer = Person.objects.filter(cases=None).order_by("id").first()
    found_today = cases.open_case(chief, newcomer.pk, detected_at=timezone.now())  # a suspected case found today
    # The outbreak's severities depend on the hour it is staged at; one critical case whatever the hour.
    cases.set_severity(chief, found_today.pk, "critical")
    for case in Case.objects.filter(placement="admitted").order_by("id")[:6]:  # waiting for a bed, some too long
        care.enqueue(chief, case, at=timezone.now() - dt.timedelta(hours=case.pk % 3 * 20))
    # Now, and tomorrow afternoon: when the ledger, assist requests, handovers and follow-ups have gone overdue.
    moments = [timezone.now(), timezone.now() + dt.timedelta(hours=30)]
    for moment in moments:  # whatever the hour the test runs at, some of that day's windows read, some missed
        day = ReadingSlot.objects.filter(day=timezone.localdate(moment), status="due").order_by("id")
        ids = list(day.values_list("id", flat=True)[:20])
        ReadingSlot.objects.filter(id__in=ids[:12]).update(status="done")
        ReadingSlot.objects.filter(id__in=ids[12:]).update(status="missed")
    nodes = list(Jurisdiction.objects.order_by("path"))
    seen = dict.fromkeys(FIGURES, 0)
    for now in moments:
        subtree = {n.path: recount(Q(owner_path__startswith=n.path), now) for n in nodes}
        for node in nodes:
            if node.level == Level.GRID:
                continue
            result = summary(node, now=now)
            assert result.totals == subtree[node.path], node.code
            assert result.direct == recount(Q(owner_path=node.path), now), node.code
            assert {c.code: f for c, f in result.children} == {
                c.code: subtree[c.path] for c in node.children.all()}, node.code
        for figure, value in subtree[root.path].items():
            seen[figure] += value
    assert [f for f, n in seen.items() if n == 0] == []  # the city has rows behind every figure
    site_owner = Order.objects.filter(kind="central").values_list("owner_path", flat=True).first()
    assert Jurisdiction.objects.get(path=site_owner).level == Level.COUNTY  # a level that holds rows itself
