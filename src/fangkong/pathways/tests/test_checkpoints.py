"""A febrile traveller at a checkpoint: an alert and a ledger entry for whoever must act, at once, once."""

import pytest
from django.utils import translation

from fangkong.accounts.models import Role
from fangkong.cases.models import SymptomReport
from fangkong.checkpoints import services as checkpoints
from fangkong.conftest import VALID_ID, make_user
from fangkong.pathways import checkpoints as journey
from fangkong.people.services import PersonInput
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Alert


@pytest.fixture
def post(commander, tree):
    checkpoint = checkpoints.add_checkpoint(commander, name="汉口站", kind="station", jurisdiction_code="420102")
    staff = make_user("post-staff", Role.CHECKPOINT, tree["city"])
    checkpoint.staff.add(staff)
    return checkpoint, staff


def inbound(tree, temperature):
    return checkpoints.EntryInput(subject="person", temperature=temperature, person=PersonInput(
        id_number=VALID_ID, name="张三", grid_code=tree["grid_a1"].code))


def test_a_febrile_traveller_bound_for_our_grid_raises_an_alert_and_a_ledger_entry_there(post, tree, grid_worker):
    checkpoint, staff = post
    with translation.override("en"):
        entry, fever = journey.record_entry(staff, checkpoint.pk, inbound(tree, "38.2"), idempotency_key="scan-1")
        message = fever.message
    alert = Alert.objects.get(kind="checkpoint")
    ledger = SymptomReport.objects.get(person=entry.person)
    assert alert.owner_path == tree["grid_a1"].path and alert.person == entry.person and alert.order is None
    assert (ledger.source, str(ledger.temperature), ledger.owner_path) == ("checkpoint", "38.2", tree["grid_a1"].path)
    assert "第1网格" in message and "symptom ledger" in message
    # the grid sees and handles it; the same scan sent again raises nothing more
    assert list(quarantine.alerts_for(grid_worker)) == [alert]
    journey.record_entry(staff, checkpoint.pk, inbound(tree, "38.2"), idempotency_key="scan-1")
    assert Alert.objects.filter(kind="checkpoint").count() == 1 and SymptomReport.objects.count() == 1
    quarantine.handle_alert(grid_worker, alert.pk, "acknowledge")


def test_a_febrile_traveller_passing_through_alerts_the_checkpoints_county(post, tree, commander):
    checkpoint, staff = post
    data = checkpoints.EntryInput(subject="person", temperature="38.5", destination="湖南省长沙市",
                                  person=PersonInput(id_number=VALID_ID, name="张三"))
    with translation.override("en"):
        entry, fever = journey.record_entry(staff, checkpoint.pk, data)
        assert "not in our register" in fever.message
    alert = Alert.objects.get(kind="checkpoint")
    assert entry.person is None and alert.person is None and "张三" in alert.note
    assert alert.owner_path == tree["county_a"].path  # 汉口站 lies in 江岸区
    assert not SymptomReport.objects.exists()  # a ledger entry needs a person in the register


def test_below_the_threshold_nothing_is_raised(post, tree):
    checkpoint, staff = post
    entry, fever = journey.record_entry(staff, checkpoint.pk, inbound(tree, "37.2"))
    assert fever is None and not entry.fever and not Alert.objects.exists()
