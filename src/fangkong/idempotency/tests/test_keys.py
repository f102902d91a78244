"""An Idempotency-Key belongs to its sender and its operation: two users who pick the same key each get their own
record, a replay with the same body is answered with the first record, a replay with another body is refused."""

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from stdnum.cn import ric

from fangkong.accounts.models import Role
from fangkong.accounts.services import create_token
from fangkong.cases.models import SymptomReport
from fangkong.checkpoints.models import Entry
from fangkong.checkpoints.services import add_checkpoint
from fangkong.conftest import make_user
from fangkong.imports.models import ImportJob
from fangkong.imports.tests.workbooks import arrival_row, workbook
from fangkong.people.services import PersonInput, create_person
from fangkong.quarantine.models import Reading
from fangkong.quarantine.services import place_order
from fangkong.reporting.models import DailyReport
from fangkong.screening.models import Arrival


def resident_id(n: int) -> str:
    body = f"42010219900307{n:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class Keyed:
    """One keyed write of the API: where it goes, a body that differs per sender, the records it makes."""

    name: str
    url: Callable[[dict], str]
    body: Callable[[dict, int], dict]
    records: Callable[[], int]
    multipart: bool = False


def name(n: int) -> str:
    return "居民" + "零一二三四五六七八九"[n % 10] + "甲乙丙"[n // 10 % 3]


def _arrival(world, n):
    arrived = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1 + n)
    return {"id_number": resident_id(n), "name": name(n), "grid_code": world["grid"].code, "origin_code": "110105",
            "arrived_at": arrived.isoformat(), "mode": "train", "vehicle": "G1234",
            "category": "worker"}


def _entry(world, n):
    return {"subject": "person", "temperature": "36.6",
            "person": {"id_number": resident_id(100 + n), "name": name(n), "grid_code": world["grid"].code}}


KEYED = [
    Keyed("symptom report", lambda w: "/api/v1/symptom-reports",
          lambda w, n: {"person_id": w["people"][n].pk, "source": "fever_clinic", "symptoms": "发热"},
          SymptomReport.objects.count),
    Keyed("reading", lambda w: "/api/v1/readings",
          lambda w, n: {"person_id": w["people"][n].pk, "temperature": "36.6"}, Reading.objects.count),
    Keyed("zero report", lambda w: f"/api/v1/jurisdictions/{w['grid'].code}/reports",
          lambda w, n: {"day": str(timezone.localdate() - dt.timedelta(days=n))}, DailyReport.objects.count),
    Keyed("arrival", lambda w: "/api/v1/arrivals", _arrival, Arrival.objects.count),
    Keyed("checkpoint entry", lambda w: f"/api/v1/checkpoints/{w['checkpoint'].pk}/entries", _entry,
          Entry.objects.count),
    Keyed("import upload", lambda w: "/api/v1/imports/arrivals",
          lambda w, n: {"file": w["files"][n]}, ImportJob.objects.count,
          multipart=True),
]


@pytest.fixture
def world(tree, commander):
    grid = tree["grid_a1"]
    first, second = make_user("first", Role.GRID, grid), make_user("second", Role.GRID, grid)
    people = [create_person(first, PersonInput(id_number=resident_id(n), name=name(n), grid_code=grid.code)).person
              for n in (1, 2)]
    for person in people:
        place_order(commander, person.pk, kind="home", reason="close_contact")
    checkpoint = add_checkpoint(commander, name="汉口站", kind="station", jurisdiction_code=tree["city"].code)
    # Built once: a workbook's bytes carry the time it was written, and a replay sends the same bytes.
    files = [workbook([arrival_row(grid.code, id_number=resident_id(200 + n))]) for n in (0, 1)]
    return {"grid": grid, "people": people, "checkpoint": checkpoint, "senders": (first, second), "files": files}


def send(client, user, keyed: Keyed, world, n: int, key: str):
    headers = {"Authorization": f"Bearer {create_token(user.username)}", "Idempotency-Key": key}
    body = keyed.body(world, n)
    if keyed.multipart:
        return client.post(keyed.url(world), {"file": SimpleUploadedFile("register.xlsx", body["file"])},
                           headers=headers)
    return client.post(keyed.url(world), body, content_type="application/json", headers=headers)


def record_of(response) -> tuple:
    """Which record an answer describes: its id, or for a zero report its unit, day and version."""
    body = response.json()
    return (body["id"],) if "id" in body else (body["code"], body["day"], body["version"])


@pytest.mark.parametrize("keyed", KEYED, ids=lambda k: k.name)
def test_two_senders_with_one_key_each_get_their_own_record(client, world, keyed):
    first, second = world["senders"]
    if keyed.name == "checkpoint entry":  # only the checkpoint's staff record entries
        first, second = (make_user(name, Role.CHECKPOINT, world["checkpoint"].jurisdiction) for name in ("p1", "p2"))
        world["checkpoint"].staff.add(first, second)
    mine = send(client, first, keyed, world, 0, "shared-key")
    theirs = send(client, second, keyed, world, 1, "shared-key")
    assert (mine.status_code, theirs.status_code) == (201, 201), (mine.content, theirs.content)
    assert record_of(mine) != record_of(theirs)
    assert keyed.records() == 2
    replay = send(client, second, keyed, world, 1, "shared-key")
    assert replay.status_code in (200, 201) and record_of(replay) == record_of(theirs)
    assert keyed.records() == 2


@pytest.mark.parametrize("keyed", KEYED, ids=lambda k: k.name)
def test_a_key_replayed_with_another_body_is_refused_naming_the_header(client, world, keyed):
    sender = world["senders"][0]
    if keyed.name == "checkpoint entry":
        sender = make_user("p1", Role.CHECKPOINT, world["checkpoint"].jurisdiction)
        world["checkpoint"].staff.add(sender)
    assert send(client, sender, keyed, world, 0, "k").status_code == 201
    changed = send(client, sender, keyed, world, 1, "k")
    assert changed.status_code == 422
    assert [e["field"] for e in changed.json()["errors"]] == ["Idempotency-Key"]
    assert keyed.records() == 1


def test_a_key_means_nothing_to_another_operation(client, world):
    sender = world["senders"][0]
    assert send(client, sender, KEYED[0], world, 0, "k").status_code == 201
    assert send(client, sender, KEYED[1], world, 0, "k").status_code == 201
    assert SymptomReport.objects.count() == Reading.objects.count() == 1


def test_a_malformed_key_is_refused_naming_the_header(client, world):
    response = send(client, world["senders"][0], KEYED[0], world, 0, "x" * 81)
    assert response.status_code == 422 and response.json()["errors"][0]["field"].endswith("Idempotency-Key")
    assert SymptomReport.objects.count() == 0


def test_a_reading_batch_repeating_a_key_inside_it_stores_one_reading(client, world):
    sender = world["senders"][0]
    person = world["people"][0].pk
    same = {"person_id": person, "temperature": "36.6", "idempotency_key": "visit-1"}
    other = {"person_id": person, "temperature": "37.0", "idempotency_key": "visit-1"}
    response = client.post("/api/v1/readings/batch", {"readings": [same, same, other]}, content_type="application/json",
                           headers={"Authorization": f"Bearer {create_token(sender.username)}"})
    results = response.json()
    assert [r["status"] for r in results][:2] == ["created", "repeated"]
    assert results[0]["reading"]["id"] == results[1]["reading"]["id"]
    assert results[2]["status"] == "refused" and results[2]["errors"][0]["field"] == "Idempotency-Key"
    assert Reading.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_at_the_same_moment_is_stored_once(tree, commander):
    grid = tree["grid_a1"]
    sender = make_user("racer", Role.GRID, grid)
    person = create_person(sender, PersonInput(id_number=resident_id(1), name="居民甲", grid_code=grid.code)).person
    token = create_token(sender.username)
    barrier, answers = threading.Barrier(4), []

    def race():
        barrier.wait()
        answers.append(Client().post("/api/v1/symptom-reports",
                                     {"person_id": person.pk, "source": "fever_clinic", "symptoms": "发热"},
                                     content_type="application/json",
                                     headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "race"}))
        connection.close()

    threads = [threading.Thread(target=race) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1 and SymptomReport.objects.count() == 1
