"""One person's whole story on their page: every record of them in time order, each linking to its record, only
what the viewer may see, and the view audited like every view of a person."""

import pytest

from fangkong.accounts.models import Role
from fangkong.audit.models import Action, AuditEvent
from fangkong.cases import services as cases
from fangkong.checkpoints import services as checkpoints
from fangkong.conftest import VALID_ID, login_client, make_user
from fangkong.pathways import care, story
from fangkong.pathways import checkpoints as checkpoint_journey
from fangkong.people.services import PersonInput
from fangkong.quarantine import services as quarantine

from .lab import lab_result


@pytest.fixture
def lived(person, grid_worker, epidemiologist, commander, tree):
    """A checkpoint crossing, an order with a fever reading (alert, ledger), a case taken to hospital."""
    post = checkpoints.add_checkpoint(commander, name="汉口站", kind="station", jurisdiction_code="420102")
    checkpoint_journey.record_entry(commander, post.pk, checkpoints.EntryInput(
        subject="person", temperature="36.5", person=PersonInput(id_number=VALID_ID, name="张三",
                                                                 grid_code=tree["grid_a1"].code)))
    order = quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    care.record_reading(grid_worker, person.pk, temperature="38.4")
    entry = person.symptom_reports.get()
    cases.resolve_symptom_report(epidemiologist, entry.pk, "case_opened")
    lab_result(commander, person, "positive")
    care.move(epidemiologist, person.cases.get().pk, "transfer")
    return order


def test_the_story_holds_every_kind_of_record_in_time_order(lived, person, epidemiologist):
    lines = story.story(epidemiologist, person)
    kinds = {line.kind for line in lines}
    assert {"registration", "checkpoint", "handover", "order", "reading", "alert", "ledger", "case", "sample",
            "result"} <= kinds
    moments = [line.at for line in lines]
    assert moments == sorted(moments)
    assert all(line.url for line in lines)
    reading = next(line for line in lines if line.kind == "reading")
    assert reading.urgent and "38.4" in reading.what and reading.url == f"/orders/{lived.pk}/"
    ended = [line for line in lines if line.kind == "order" and "ended" in line.what.lower() or "结束" in line.what]
    assert ended, [line.what for line in lines]


def test_the_story_shows_only_what_the_viewer_may_see(lived, person, tree):
    # a hospital user of the district sees the person's records of the district, the same as the epidemiologist
    nurse = make_user("nurse", Role.HOSPITAL, tree["county_a"])
    assert {line.kind for line in story.story(nurse, person)} >= {"order", "case"}
    # a command user of another district sees none of them (the person page itself is a 404 for them)
    outsider = make_user("outsider-b", Role.COMMAND, tree["county_b"])
    assert {line.kind for line in story.story(outsider, person)} == {"registration"}


def test_the_person_page_shows_the_story_and_audits_the_view(lived, person, epidemiologist, client):
    page = login_client(client, epidemiologist).get(f"/persons/{person.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="story"' in html
    assert f'href="/orders/{lived.pk}/"' in html and f'href="/cases/{person.cases.get().pk}/"' in html
    assert AuditEvent.objects.filter(action=Action.VIEW_PERSON, person=person, actor=epidemiologist).exists()


def test_the_person_page_offers_only_the_forms_the_role_may_use(person, grid_worker, epidemiologist, client):
    as_grid = login_client(client, grid_worker).get(f"/persons/{person.pk}/").content.decode()
    assert 'data-testid="order-form"' in as_grid and 'data-testid="case-form"' not in as_grid
    client.logout()
    as_epi = login_client(client, epidemiologist).get(f"/persons/{person.pk}/").content.decode()
    assert 'data-testid="case-form"' in as_epi
