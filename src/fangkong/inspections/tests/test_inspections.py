"""Inspections as their users rely on them: a failed item becomes a finding with its rectification, refusals name
the field and leave nothing behind, the rectification goes report → re-inspection → closed or reopened, the
checklists are versioned data, and the figures are recounts of the rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import Forbidden
from fangkong.accounts.scoping import NotFound
from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import make_user
from fangkong.errors import InputRefused
from fangkong.inspections import services
from fangkong.inspections.checklists import load_first
from fangkong.inspections.models import (
    Checklist,
    ChecklistItem,
    Finding,
    Inspection,
    Photo,
    Rectification,
    Setting,
)

from . import factories

pytestmark = pytest.mark.django_db


def fields_of(refused: InputRefused) -> set[str]:
    return {p.field for p in refused.problems}


def media_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.fixture
def home(commander, tree):
    return factories.setting(commander, tree["grid_a1"])


def test_the_first_checklists_are_data_loaded_once_per_kind():
    Checklist.objects.all().delete()  # the migration loaded them; a live-server test may have emptied the table
    assert load_first(Checklist, ChecklistItem) == 9
    assert load_first(Checklist, ChecklistItem) == 0
    assert set(Checklist.objects.values_list("kind", flat=True)) == {
        "nursing_home", "prison", "clinic", "pharmacy", "market", "supermarket", "school", "construction",
        "enterprise"}
    assert services.current_checklist("nursing_home").items.first().text == "门口扫场所码、测体温、查验戴口罩"


def test_a_failed_item_becomes_a_finding_with_its_rectification(commander, home, tree):
    inspection = services.record_inspection(commander, home.pk, factories.one_failed(
        home, severity="critical", photos=[factories.png()]))
    finding = inspection.findings.get()
    rectification = finding.rectification
    assert (inspection.mode, inspection.answers.count(), inspection.answers.filter(passed=False).count()) == (
        "unannounced", 7, 1)
    assert (finding.severity, finding.photos.get().content_type) == ("critical", "image/png")
    # a critical hazard is due the next day by default (FANGKONG_RECTIFY_DAYS_CRITICAL)
    assert rectification.owner == tree["grid_a1"]
    assert rectification.deadline == timezone.localdate() + dt.timedelta(days=1)
    event = AuditEvent.objects.filter(action=Action.INSPECTION_CHANGE, details__record="inspection").get()
    assert event.details["changes"]["failed"] == [None, 1]


def test_the_rectification_can_be_owned_by_a_unit_above_the_grid_but_not_elsewhere(commander, home, tree):
    inspection = services.record_inspection(commander, home.pk, factories.one_failed(
        home, owner_code=tree["town_a"].code))
    assert inspection.findings.get().rectification.owner == tree["town_a"]
    with pytest.raises(InputRefused) as refused:
        services.record_inspection(commander, home.pk, factories.one_failed(home, owner_code=tree["grid_a2"].code))
    assert fields_of(refused.value) == {"owner_code"}


def test_an_item_of_another_kinds_checklist_is_refused_and_nothing_is_written(commander, home, tree):
    school_item = services.current_checklist("school").items.first()
    data = factories.one_failed(home)
    data = services.InspectionInput(mode="planned", answers=(
        *data.answers, services.AnswerInput(item_id=school_item.pk, passed=True)))
    with pytest.raises(InputRefused) as refused:
        services.record_inspection(commander, home.pk, data)
    [problem] = refused.value.problems
    assert problem.field == "item" and "养老机构" in str(problem.message) and "学校" in str(problem.message)
    school_list = services.current_checklist("school")
    with pytest.raises(InputRefused) as refused:
        services.record_inspection(commander, home.pk, services.InspectionInput(
            mode="planned", checklist_id=school_list.pk, answers=()))
    assert fields_of(refused.value) == {"checklist"}
    assert not Inspection.objects.exists()


def test_every_item_must_be_answered_and_a_failed_one_described(commander, home):
    items = list(services.current_checklist(home.kind).items.all())
    with pytest.raises(InputRefused) as refused:
        services.record_inspection(commander, home.pk, services.InspectionInput(mode="sometimes", answers=(
            services.AnswerInput(item_id=items[0].pk, passed=False),)))
    found = fields_of(refused.value)
    assert {"mode", f"item_{items[0].pk}_severity", f"item_{items[0].pk}_description"} <= found
    assert {f"item_{i.pk}" for i in items[1:]} <= found
    assert not Inspection.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_stored(commander, home, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    fake = SimpleUploadedFile("door.jpg", b"GIF89a but really a script", content_type="image/jpeg")
    with pytest.raises(InputRefused) as refused:
        services.record_inspection(commander, home.pk, factories.one_failed(home, photos=[fake]))
    [problem] = refused.value.problems
    assert problem.field.endswith("_photos") and "door.jpg" in str(problem.message)
    assert not Inspection.objects.exists() and not Photo.objects.exists() and not media_files(settings)


def test_a_truncated_image_and_an_unaccepted_format_are_refused(commander, home):
    whole = factories.png().read()
    truncated = SimpleUploadedFile("cut.png", whole[: len(whole) // 2])
    gif = factories.png("anim.gif", fmt="GIF")
    with pytest.raises(InputRefused) as refused:
        services.record_inspection(commander, home.pk, factories.one_failed(home, photos=[truncated, gif]))
    messages = [str(p.message) for p in refused.value.problems]
    assert any("cut.png" in m for m in messages) and any("GIF" in m for m in messages)


@override_settings(PHOTO_MAX_MB=1)
def test_a_photo_too_large_is_refused_naming_the_limit(commander, home):
    big = SimpleUploadedFile("big.png", factories.png().read() + b"\0" * (1024 * 1024 + 1))
    with pytest.raises(InputRefused) as refused:
        services.record_inspection(commander, home.pk, factories.one_failed(home, photos=[big]))
    assert "1 MB" in str(refused.value.problems[0].message)
    assert not Finding.objects.exists()


def test_report_reinspect_reopen_and_close(commander, grid_worker, tree):
    rectification = factories.rectification(commander, tree["grid_a1"])
    with pytest.raises(InputRefused) as refused:  # done needs evidence
        services.report_rectified(grid_worker, rectification.pk, report="已整改")
    assert fields_of(refused.value) == {"photos"}
    with pytest.raises(InputRefused):  # not yet reported: nothing to verify
        services.verify_rectification(commander, rectification.pk, passed=True)
    reported = services.report_rectified(grid_worker, rectification.pk, report="已安排专人", photos=[factories.png()])
    assert reported.status == "reported"
    with pytest.raises(Forbidden):  # the owner does not verify its own work
        services.verify_rectification(grid_worker, rectification.pk, passed=True)
    with pytest.raises(InputRefused) as refused:
        services.verify_rectification(commander, rectification.pk, passed=False)
    assert fields_of(refused.value) == {"verification"}
    reopened = services.verify_rectification(commander, rectification.pk, passed=False, note="仍无人值守")
    assert (reopened.status, reopened.reopened) == ("open", 1)
    with pytest.raises(InputRefused):  # the evidence of the first report does not count again
        services.report_rectified(grid_worker, rectification.pk, report="再次整改")
    services.report_rectified(grid_worker, rectification.pk, report="24小时值守", photos=[factories.png()])
    closed = services.verify_rectification(commander, rectification.pk, passed=True, note="复查合格")
    assert closed.status == "closed" and closed.closed_on_time
    steps = list(AuditEvent.objects.filter(details__record="rectification").order_by("id")
                 .values_list("details__step", flat=True))
    assert steps == ["report", "reopen", "report", "close"]


def test_only_the_owner_and_the_units_above_it_report_a_rectification(commander, sibling_worker, tree):
    rectification = factories.rectification(commander, tree["grid_a1"])
    with pytest.raises(NotFound):
        services.report_rectified(sibling_worker, rectification.pk, report="x", photos=[factories.png()])
    town = services.record_inspection(commander, factories.setting(commander, tree["grid_a1"], name="幸福药店",
                                                                   kind="pharmacy").pk,
                                      factories.one_failed(Setting.objects.get(name="幸福药店"),
                                                           owner_code=tree["town_a"].code))
    grid_a1 = make_user("a1-worker", Role.GRID, tree["grid_a1"])
    with pytest.raises(NotFound):  # owned by the street: the grid below does not see it
        services.report_rectified(grid_a1, town.findings.get().rectification.pk, report="x",
                                  photos=[factories.png()])


def test_a_new_checklist_version_leaves_earlier_inspections_with_theirs(commander, home):
    first = services.record_inspection(commander, home.pk, factories.all_passed(home))
    second_version = services.add_checklist_version(commander, "nursing_home", ["门口扫码测温", "隔离室", ""],
                                                    note="第二版")
    assert second_version.version == 2 and second_version.items.count() == 2
    second = services.record_inspection(commander, home.pk, factories.all_passed(home))
    assert (first.checklist.version, second.checklist.version) == (1, 2)
    with pytest.raises(InputRefused) as refused:  # the old version's items are not the new one's
        services.record_inspection(commander, home.pk, services.InspectionInput(
            mode="planned", checklist_id=second_version.pk,
            answers=tuple(services.AnswerInput(item_id=a.item_id, passed=True) for a in first.answers.all())))
    assert "item" in fields_of(refused.value)
    with pytest.raises(InputRefused) as refused:
        services.add_checklist_version(commander, "zoo", ["a", "a"])
    assert fields_of(refused.value) == {"kind", "items"}


def test_a_resubmitted_inspection_counts_once(commander, home):
    data = factories.one_failed(home)
    first = services.record_inspection(commander, home.pk, data, idempotency_key="phone-1")
    again = services.record_inspection(commander, home.pk, data, idempotency_key="phone-1")
    assert first.pk == again.pk and Inspection.objects.count() == 1 and Finding.objects.count() == 1


def test_figures_are_recounts_and_overdue_rises_to_the_owner_and_above(commander, tree):
    late = factories.rectification(commander, tree["grid_a1"])
    Rectification.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    factories.reported(commander, tree["grid_a1"], name="幸福诊所", kind="clinic")  # reported, not closed
    other = factories.setting(commander, tree["grid_b1"], name="江汉学校", kind="school")
    services.record_inspection(commander, other.pk, factories.all_passed(other))
    done = factories.rectification(commander, tree["grid_b1"], name="江汉超市", kind="supermarket")
    services.report_rectified(commander, done.pk, report="ok", photos=[factories.png()])
    services.verify_rectification(commander, done.pk, passed=True)

    total, children = services.figures(tree["city"])
    assert (total.inspections, total.findings, total.closed, total.closed_on_time, total.overdue) == (4, 3, 1, 1, 1)
    assert total.inspections == Inspection.objects.count() and total.findings == Finding.objects.count()
    by_code = {node.code: f for node, f in children}
    assert (by_code["420102"].inspections, by_code["420102"].findings, by_code["420102"].overdue) == (2, 2, 1)
    assert (by_code["420103"].inspections, by_code["420103"].closed_on_time) == (2, 1)
    for node in (tree["grid_a1"], tree["community_a"], tree["town_a"], tree["city"]):
        assert services.overdue_rising(node)["total"] == 1
    assert services.overdue_rising(tree["grid_a1"])["here"] == 1
    assert services.overdue_rising(tree["community_a"])["below"] == 1
    assert services.overdue_rising(tree["grid_a2"])["total"] == 0
    assert services.overdue_rising(tree["county_b"])["total"] == 0


def test_only_findings_marked_publishable_are_published(client, commander, tree):
    shown = factories.rectification(commander, tree["grid_a1"])
    factories.rectification(commander, tree["grid_a1"], name="未公开药店", kind="pharmacy")
    services.set_publishable(commander, shown.finding_id, True)
    assert list(services.published_findings()) == [shown.finding]
    page = client.get("/inspections/published/")  # no account needed
    assert page.status_code == 200 and "内养老院" in page.content.decode()
    assert "未公开药店" not in page.content.decode()
    api = client.get("/api/v1/published-findings")
    assert [f["setting"] for f in api.json()["items"]] == ["内养老院"]


def test_a_photo_is_served_to_those_who_see_the_finding_only(client, commander, sibling_worker, grid_worker, tree):
    inspection = services.record_inspection(commander, factories.setting(commander, tree["grid_a1"]).pk,
                                            factories.one_failed(Setting.objects.get(), photos=[factories.png()]))
    photo = inspection.findings.get().photos.get()
    client.force_login(grid_worker)
    shown = client.get(f"/inspections/photos/{photo.pk}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content).startswith(b"\x89PNG")
    client.force_login(sibling_worker)
    assert client.get(f"/inspections/photos/{photo.pk}/").status_code == 404


def test_settings_are_registered_with_their_unit_and_contact_and_refused_by_field(commander, grid_worker, tree):
    with pytest.raises(InputRefused) as refused:
        services.add_setting(grid_worker, services.SettingInput(
            name="", kind="zoo", grid_code=tree["grid_b1"].code, responsible_unit="", contact_name="",
            contact_phone="12345"))
    assert fields_of(refused.value) == {"name", "kind", "grid_code", "responsible_unit", "contact_name",
                                        "contact_phone"}
    factories.setting(grid_worker, tree["grid_a1"])
    with pytest.raises(InputRefused) as refused:
        factories.setting(grid_worker, tree["grid_a1"])
    assert fields_of(refused.value) == {"name"}
    with pytest.raises(Forbidden):
        factories.setting(make_user("lab", Role.LAB, tree["grid_a1"]), tree["grid_a1"])
