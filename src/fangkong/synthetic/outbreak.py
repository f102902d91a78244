"""A synthetic outbreak on top of the synthetic city: sites, people under observation, readings, cases.

`place_under_observation` writes orders and their reading slots in bulk (the benchmarks put 100k
people under watch); `stage_outbreak` then drives the real services for the few dozen cases,
readings and alerts a demo needs, so the demo's figures come from the same code paths as real use.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fangkong import bulk
from fangkong.cases import disease as diseases
from fangkong.cases import services as cases
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.pathways import arrivals as arrival_journey
from fangkong.people.models import Person
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import (
    Alert,
    AlertKind,
    AlertStatus,
    Kind,
    Order,
    Reading,
    ReadingSlot,
    Reason,
    SlotStatus,
)

SYMPTOMS = ["发热", "咳嗽", "乏力", "咽痛", "发热、咳嗽", "嗅觉减退"]


def place_under_observation(count: int, rng: random.Random, now: dt.datetime | None = None) -> int:
    """Put `count` random people under home observation, started within the last 13 days, in bulk."""
    now = now or timezone.now()
    disease = diseases.current()
    person_ids = list(Person.objects.exclude(quarantine_orders__status="active").values_list("id", "jurisdiction_path"))
    chosen = rng.sample(person_ids, min(count, len(person_ids)))
    tz = diseases.zone(disease)
    first_order = bulk.next_id(Order)
    orders, slots = [], []
    for offset, (person_id, path) in enumerate(chosen):
        start = (now - dt.timedelta(days=rng.randint(0, 12), hours=rng.randint(0, 23))).replace(microsecond=0)
        end = start + dt.timedelta(days=disease.observation_days)
        order_id = first_order + offset
        orders.append(Order(id=order_id, person_id=person_id, kind=Kind.HOME, reason=Reason.CLOSE_CONTACT,
                            starts_at=start, planned_end_at=end, owner_path=path))
        day = start.astimezone(tz).date()
        while day <= end.astimezone(tz).date():
            for index, opens, closes in diseases.windows_on(disease, day):
                if start <= opens < end:
                    slots.append(ReadingSlot(order_id=order_id, owner_path=path, day=day, index=index,
                                             opens_at=opens, closes_at=closes))
            day += dt.timedelta(days=1)
    with transaction.atomic():
        Order.objects.bulk_create(orders, batch_size=5000)
        ReadingSlot.objects.bulk_create(slots, batch_size=5000)
        bulk.reset_sequences(Order, ReadingSlot)
    return len(orders)


@transaction.atomic
def stage_outbreak(actor, rng: random.Random, *, observed: int = 400, cases_count: int = 60) -> None:
    """A week of an outbreak for the demo: readings (some feverish, some missed), cases at every stage."""
    now = timezone.now()
    place_under_observation(observed, rng, now)
    county = Jurisdiction.objects.filter(level=Level.COUNTY).order_by("code").first()
    site = quarantine.add_site(actor, name=f"{county.name}集中隔离点", jurisdiction_code=county.code,
                               address=f"武汉市{county.name}", rooms=40, family_rooms=5)
    _reading_history(rng, before=now - dt.timedelta(days=1))
    # The last day's windows go through the service: a few are missed and a few are fevers.
    for slot in ReadingSlot.objects.filter(closes_at__lte=now, closes_at__gt=now - dt.timedelta(days=1)) \
            .select_related("order"):
        if rng.random() < 0.93:
            quarantine.record_reading(actor, slot.order.person_id, taken_at=slot.opens_at + dt.timedelta(minutes=30),
                                      temperature=rng.choice(["36.4", "36.6", "36.8", "37.0"] * 12 + ["37.8", "38.3"]))
    quarantine.sweep_missed_readings(now)
    rooms = list(site.rooms.filter(family_room=False))
    people = list(Person.objects.exclude(quarantine_orders__status="active")
                  .order_by("?")[: cases_count + len(rooms) // 2])
    for person, room in zip(people[cases_count:], rooms):
        quarantine.place_order(actor, person.pk, kind=Kind.CENTRAL, reason=Reason.RISK_AREA, room_id=room.pk,
                               starts_at=now - dt.timedelta(days=rng.randint(0, 10)))
    for person in people[:cases_count]:
        detected = now - dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
        onset = (detected - dt.timedelta(days=rng.randint(0, 4))).date()
        entry, _ = cases.report_symptoms(actor, person.pk, source=rng.choice(["fever_clinic", "grid"]),
                                         symptoms=rng.choice(SYMPTOMS), reported_at=detected, onset_date=onset)
        if rng.random() < 0.15:
            continue  # still open in the ledger
        cases.resolve_symptom_report(actor, entry.pk, "case_opened")
        case = person.cases.get(closed_at=None)
        cases.record_report(actor, case.pk, min(now, detected + dt.timedelta(minutes=rng.randint(20, 200))))
        _advance(actor, case, detected, now, rng)
    _stage_grid_loop(actor, rng, now)


def _stage_grid_loop(actor, rng: random.Random, now: dt.datetime) -> None:
    """Risk areas, arrivals, a checkpoint with handovers, assist requests, zero reports, warning rules, a bulletin."""
    from fangkong.accounts.models import Role, User
    from fangkong.bulletins import services as bulletins
    from fangkong.checkpoints import services as checkpoints
    from fangkong.people.services import PersonInput
    from fangkong.reporting import services as reporting
    from fangkong.screening import services as screening
    from fangkong.warning import services as warning

    today = timezone.localdate(now)
    screening.declare(actor, code="110105", level="high", valid_from=today - dt.timedelta(days=6), note="聚集性疫情")
    screening.declare(actor, code="310115", level="medium", valid_from=today - dt.timedelta(days=3))
    county = Jurisdiction.objects.filter(level=Level.COUNTY).order_by("code").first()
    grids = list(Jurisdiction.objects.filter(level=Level.GRID, path__startswith=actor.jurisdiction.path)
                 .order_by("code"))
    travellers = list(Person.objects.filter(jurisdiction_path__startswith=county.path)
                      .exclude(quarantine_orders__status="active").order_by("id")[:12])
    for person in travellers[:8]:
        arrival_journey.register_arrival(actor, screening.ArrivalInput(
            person=PersonInput(id_number=person.id_number, name=person.name, grid_code=person.grid.code),
            origin_code=rng.choice(["110105", "310115", "440106"]), mode="train", vehicle=f"G{rng.randint(1, 999)}",
            category=rng.choice(["worker", "student", "resident"]),
            arrived_at=now - dt.timedelta(hours=rng.randint(1, 60))))
    _stage_import(actor, county, now, rng)
    post = checkpoints.add_checkpoint(actor, name=f"{county.name}火车站", kind="station", jurisdiction_code=county.code)
    post.staff.add(*User.objects.filter(role=Role.CHECKPOINT))
    for person in travellers[8:]:
        checkpoints.record_entry(actor, post.pk, checkpoints.EntryInput(
            subject="person", temperature=rng.choice(["36.4", "36.7", "37.9"]), travel_history="上海市浦东新区",
            person=PersonInput(id_number=person.id_number, name=person.name, grid_code=person.grid.code)))
    for number, person in enumerate(travellers[:4]):
        screening.receive_assist_request(actor, screening.AssistInput(
            region="北京市朝阳区疾病预防控制中心", reference=f"BJCY-{today:%Y%m%d}-{number + 1:03d}", name=person.name,
            address_code=person.grid.code, id_number=person.id_number, reason="与确诊病例同乘 G67 次列车"))
    for grid in grids:
        if rng.random() < 0.8:
            reporting.submit(actor, grid.code, today)
    warning.add_rule(actor, name="县（区）当日发热预警 ≥ 3", signal="fever_alerts", threshold=3, level=4)
    warning.add_rule(actor, name="市内 R_t 连续 3 天大于 1", signal="rt_above_one_days", threshold=3, level=3,
                     tier="city")
    warning.run_warning(today)
    bulletins.draft(actor, actor.jurisdiction.code, today)


def _stage_import(actor, county, now: dt.datetime, rng: random.Random) -> None:
    """A county's arrival register sent in as Excel, two of its rows wrong: checked, then its valid rows imported."""
    from io import BytesIO

    from fangkong.imports import services as imports
    from fangkong.web.exports import write_xlsx

    people = Person.objects.filter(jurisdiction_path__startswith=county.path).select_related("grid").order_by("-id")
    vehicles = {"火车": lambda: f"G{rng.randint(1, 999)}", "飞机": lambda: f"CZ{rng.randint(100, 999)}",
                "自驾": lambda: "鄂A12345"}
    rows = []
    for p in people[:30]:
        mode = rng.choice(list(vehicles))
        rows.append([p.name, p.id_number, rng.choice(["440106", "330106", "310115"]),
                     timezone.localtime(now - dt.timedelta(hours=rng.randint(2, 90))).strftime("%Y-%m-%d %H:%M"),
                     mode, vehicles[mode](), rng.choice(["返岗务工", "返校学生", "返乡居民"]), p.grid.code])
    rows[7][1] = rows[7][1][:-1] + ("0" if rows[7][1][-1] != "0" else "1")  # a mistyped check digit
    rows[19][3] = (now + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")  # a date still to come
    data = BytesIO()
    write_xlsx(data, ["姓名", "身份证号", "来源地代码", "抵达时间", "交通方式", "车次/航班/车牌", "人员类别",
                      "网格编码"], rows, sheet="来返人员登记")
    job, _ = imports.upload(actor, "arrivals", f"{county.name}来返人员登记表.xlsx", data.getvalue())
    imports.run_to_end(job, import_valid=True)


def _reading_history(rng: random.Random, before: dt.datetime) -> None:
    """Older windows, written in bulk: nearly all read, the rest missed with their alerts long handled."""
    slots = list(ReadingSlot.objects.filter(closes_at__lte=before, status=SlotStatus.DUE))
    read = [s for s in slots if rng.random() < 0.97]
    readings = [Reading(order_id=s.order_id, taken_at=s.opens_at + dt.timedelta(minutes=rng.randint(5, 200)),
                        temperature=Decimal(rng.choice(["36.3", "36.5", "36.6", "36.8", "37.0"]))) for s in read]
    with transaction.atomic():
        Reading.objects.bulk_create(readings, batch_size=5000)
        for slot, reading in zip(read, readings):
            slot.status, slot.reading = SlotStatus.DONE, reading
        ReadingSlot.objects.bulk_update(read, ["status", "reading"], batch_size=5000)
        quarantine.sweep_missed_readings(before)
        Alert.objects.filter(kind=AlertKind.MISSED, raised_at__lte=before).update(
            status=AlertStatus.RESOLVED, resolved_at=before, note="已电话联系补测")


def _advance(actor, case, detected, now, rng) -> None:
    """Walk a case some way along the loop, at plausible times."""
    steps = ["transfer", rng.choice(["confirm", "confirm", "asymptomatic", "exclude"])]
    if steps[1] != "exclude":
        steps += ["admit", "discharge", "observe", "release"][: rng.randint(0, 4)]
    else:
        steps.append("release_excluded")
    at = detected
    for step in steps:
        at = at + dt.timedelta(hours=rng.randint(1, 30))
        if at > now:
            return
        case = cases.transition(actor, case.pk, step, at=at, hospital="武汉市金银潭医院" if step == "admit" else "")
    if not case.closed_at and (case.placement == "admitted" or rng.random() < 0.15):
        cases.set_severity(actor, case.pk, rng.choice(["severe", "critical"]))
