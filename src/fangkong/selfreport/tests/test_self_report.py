"""Self-report links: a person under home observation reports their own temperature once per window, with no
account; a link used again, after its window, or by someone else is refused naming why; the grid sees who
reported and who did not."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import Forbidden
from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import VALID_ID, login_client, make_user
from fangkong.errors import InputRefused
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Reading, ReadingSlot, SlotStatus
from fangkong.selfreport import services
from fangkong.selfreport.models import SelfReportLink

TAIL = VALID_ID[-4:]


@pytest.fixture(autouse=True)
def in_english():
    """The messages are checked in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def link(grid_worker, person):
    """The link of a reading window open now (the order's first window, moved to now whatever the hour)."""
    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    now = timezone.now()
    first = ReadingSlot.objects.filter(order__person=person).order_by("opens_at").first()
    ReadingSlot.objects.filter(pk=first.pk).update(opens_at=now - dt.timedelta(hours=1),
                                                   closes_at=now + dt.timedelta(hours=1), day=timezone.localdate(now))
    [link] = services.issue(grid_worker)
    assert link.slot_id == first.pk
    return link


def inside(link):
    """Now: inside the link's window."""
    return timezone.now()


def refused_field(call) -> tuple[str, str]:
    with pytest.raises(InputRefused) as caught:
        call()
    [problem] = caught.value.problems
    return problem.field, str(problem.message)


def test_a_link_records_the_persons_reading_once(link, grid_worker, person):
    text = services.token(link)
    reading = services.report(text, id_tail=TAIL, temperature="36.7", now=inside(link))
    assert (reading.order.person, str(reading.temperature), reading.entered_by) == (person, "36.7", grid_worker)
    link.slot.refresh_from_db()
    assert link.slot.status == SlotStatus.DONE
    field, message = refused_field(lambda: services.report(text, id_tail=TAIL, temperature="36.9", now=inside(link)))
    assert field == "token" and "once" in message
    assert Reading.objects.count() == 1
    assert AuditEvent.objects.filter(action=Action.SELF_REPORT, person=person, details__change="reported").count() == 1


def test_a_fever_reported_by_the_person_raises_the_alert(link, grid_worker):
    services.report(services.token(link), id_tail=TAIL, temperature="38.6", now=inside(link))
    assert quarantine.alerts_for(grid_worker).filter(kind="fever").count() == 1


def test_a_link_after_its_window_is_refused_naming_when_it_expired(link):
    late = link.slot.closes_at + dt.timedelta(minutes=1)
    field, message = refused_field(lambda: services.report(services.token(link), id_tail=TAIL, temperature="36.6",
                                                           now=late))
    assert field == "token" and "expired" in message
    assert timezone.localtime(link.slot.closes_at).strftime("%H:%M") in message
    assert Reading.objects.count() == 0


def test_someone_else_is_refused_and_locked_out_after_too_many_tries(link, settings):
    settings.SELF_REPORT_MAX_ATTEMPTS = 3
    text = services.token(link)
    for _ in range(3):
        field, _message = refused_field(lambda: services.report(text, id_tail="0000", temperature="36.6",
                                                                now=inside(link)))
        assert field == "id_tail"
    field, message = refused_field(lambda: services.report(text, id_tail=TAIL, temperature="36.6", now=inside(link)))
    assert field == "token" and "locked" in message
    assert Reading.objects.count() == 0


@pytest.mark.parametrize("text", ["", "abc", "1.deadbeef:forged-signature"])
def test_a_made_up_or_cut_link_is_refused(db, text):
    assert refused_field(lambda: services.open_link(text))[0] == "token"


def test_a_link_whose_nonce_is_not_the_stored_one_is_refused(link):
    text = services.token(link)
    SelfReportLink.objects.filter(pk=link.pk).update(nonce="0" * 16)
    assert refused_field(lambda: services.open_link(text, now=inside(link)))[0] == "token"


def test_a_bad_temperature_is_refused_and_leaves_the_link_usable(link):
    text = services.token(link)
    assert refused_field(lambda: services.report(text, id_tail=TAIL, temperature="48.5", now=inside(link)))[0] == (
        "temperature")
    services.report(text, id_tail=TAIL, temperature="36.5", now=inside(link))  # nothing half-written: still works


def test_issuing_again_hands_out_the_same_links_and_only_the_grid_issues(link, grid_worker, tree):
    again = services.issue(grid_worker)
    assert [services.token(x) for x in again] == [services.token(link)]
    with pytest.raises(Forbidden):
        services.issue(make_user("epi-x", Role.EPIDEMIOLOGIST, tree["city"]))


def test_the_grid_sees_who_reported_and_who_did_not(client, link, grid_worker, sibling_worker, person):
    services.report(services.token(link), id_tail=TAIL, temperature="36.4", now=inside(link))
    [window] = services.windows(grid_worker, day=link.slot.day, now=inside(link))
    assert window.state == "reported"
    [later] = services.windows(grid_worker, day=link.slot.day, now=link.slot.closes_at + dt.timedelta(hours=1))
    assert later.state == "reported"
    assert services.windows(sibling_worker, day=link.slot.day) == []  # another grid's people are not theirs
    login_client(client, grid_worker)
    page = client.get("/self-report/").content.decode()
    assert person.name in page and "36.4" in page


def test_the_persons_page_takes_the_reading_without_an_account(client, link, person):
    text = services.token(link)
    page = client.get(f"/r/{text}/")
    assert page.status_code == 200 and 'name="id_tail"' in page.content.decode()
    wrong = client.post(f"/r/{text}/", {"id_tail": "9999", "temperature": "36.6"})
    html = wrong.content.decode()
    assert wrong.status_code == 200 and "人员不符" in html  # at its field, in Chinese, what was typed kept
    assert 'data-field="id_tail"' in html and 'class="field has-problem" data-field="id_tail"' in html
    assert 'name="temperature" value="36.6"' in html
    done = client.post(f"/r/{text}/", {"id_tail": TAIL, "temperature": "36.6"})
    assert done.status_code == 302 and Reading.objects.count() == 1
    used = client.get(f"/r/{text}/")
    assert used.status_code == 410 and 'name="temperature"' not in used.content.decode()
