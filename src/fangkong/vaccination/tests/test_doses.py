"""Recording doses: in order, on a real past day, once; from the form, the API and the immunisation system's export
(every row checked first, refusals by row and column); each person shown audited."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import Forbidden
from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import VALID_ID, bearer, make_user
from fangkong.errors import InputRefused
from fangkong.imports import services as imports
from fangkong.imports.tests.workbooks import OTHER_IDS, workbook
from fangkong.people.services import PersonInput, create_person
from fangkong.vaccination import services
from fangkong.vaccination.models import Dose, GridCoverage


@pytest.fixture(autouse=True)
def english():
    """The messages below are read in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield

DAY = dt.date(2022, 3, 1)


@pytest.fixture
def nurse(tree):
    return make_user("nurse", Role.HOSPITAL, tree["county_a"])


def dose(number, product="bibp", day=DAY, site="江岸区疾控接种点"):
    return services.DoseInput(product=product, dose=number, given_on=day, site=site)


def fields(refused):
    return {p.field: str(p.message) for p in refused.value.problems}


def test_doses_in_order_count_once_in_the_grid_row(nurse, person):
    services.refresh_coverage()
    services.record_dose(nurse, person.pk, dose(1), idempotency_key="tap")
    services.record_dose(nurse, person.pk, dose(1), idempotency_key="tap")  # the phone sent it twice
    services.record_dose(nurse, person.pk, dose(2, day=DAY + dt.timedelta(days=28)))
    services.record_dose(nurse, person.pk, dose(3, day=DAY + dt.timedelta(days=200)))
    row = GridCoverage.objects.get(grid=person.grid, band="0-59")
    assert (row.population, row.first, row.full, row.boosted, row.doses) == (1, 1, 1, 1, 3)
    assert AuditEvent.objects.filter(action=Action.DOSE_CHANGE, person=person).count() == 3


def test_a_future_dose_date_is_refused(nurse, person):
    with pytest.raises(InputRefused) as refused:
        services.record_dose(nurse, person.pk, dose(1, day=timezone.localdate() + dt.timedelta(days=1)))
    assert "future" in fields(refused)["given_on"]
    assert not Dose.objects.exists()


@pytest.mark.parametrize("earlier, number, product, why", [
    ([], 2, "bibp", "after First dose"),
    ([], 3, "bibp", "after Second dose"),
    ([(1, "bibp")], 4, "bibp", "after Booster"),
    ([(1, "ad5")], 2, "bibp", "one-dose product"),
    ([(1, "bibp")], 1, "bibp", "already recorded"),
])
def test_a_dose_number_out_of_order_is_refused(nurse, person, earlier, number, product, why):
    for n, p in earlier:
        services.record_dose(nurse, person.pk, dose(n, product=p))
    with pytest.raises(InputRefused) as refused:
        services.record_dose(nurse, person.pk, dose(number, product=product, day=DAY + dt.timedelta(days=60)))
    assert why in fields(refused)["dose"]


def test_a_booster_after_a_one_dose_product_is_in_order(nurse, person):
    services.record_dose(nurse, person.pk, dose(1, product="ad5"))
    services.record_dose(nurse, person.pk, dose(3, product="bibp", day=DAY + dt.timedelta(days=90)))
    assert person.doses.count() == 2


def test_a_dose_on_or_before_the_previous_is_refused(nurse, person):
    services.record_dose(nurse, person.pk, dose(1))
    with pytest.raises(InputRefused) as refused:
        services.record_dose(nurse, person.pk, dose(2, day=DAY))
    assert "given on 2022-03-01" in fields(refused)["given_on"]


def test_every_bad_field_is_named_at_once(nurse, person):
    with pytest.raises(InputRefused) as refused:
        services.record_dose(nurse, person.pk, services.DoseInput(product="sputnik", dose="9", given_on=None, site=""))
    assert set(fields(refused)) == {"product", "dose", "given_on", "site"}


def test_only_the_roles_of_the_table_record_doses(grid_worker, person, sibling_worker):
    with pytest.raises(Forbidden):
        services.record_dose(grid_worker, person.pk, dose(1))


def test_the_immunisation_export_is_checked_row_by_row_then_imported(nurse, tree, grid_worker):
    grid = tree["grid_a1"].code
    for number, name in ((VALID_ID, "张三"), (OTHER_IDS[0], "李四")):
        create_person(grid_worker, PersonInput(id_number=number, name=name, grid_code=grid))
    header = ["姓名", "身份证号", "疫苗名称", "剂次", "接种日期", "接种单位"]
    rows = [["张三", VALID_ID, "北京生物", "第1剂", dt.datetime(2021, 5, 1), "江岸区疾控"],
            ["张三", VALID_ID, "北京生物", "第2剂", dt.datetime(2021, 6, 1), "江岸区疾控"],
            ["李四", OTHER_IDS[0], "科兴", "第2剂", dt.datetime(2021, 6, 1), "江岸区疾控"],  # no first dose
            ["王五", OTHER_IDS[1], "科兴", "第1剂", dt.datetime(2021, 6, 1), "江岸区疾控"],  # not our resident
            ["李四", OTHER_IDS[0], "卫星五号", "第1剂", dt.datetime(2099, 6, 1), "江岸区疾控"]]
    job, _ = imports.upload(nurse, "doses", "接种记录.xlsx", workbook(rows, header=header, sheet="接种记录"))
    job = imports.run_to_end(job)
    refused = sorted((r.row, r.column, r.message) for r in job.refusals.all())
    assert [(row, column) for row, column, _m in refused] == [(4, "D"), (5, "B"), (6, "C"), (6, "E")]
    assert not Dose.objects.exists()  # the check wrote nothing
    job = imports.run_to_end(imports.choose(nurse, job.pk, import_valid=True))
    assert job.written_rows == 2
    assert sorted(Dose.objects.values_list("person__name", "dose")) == [("张三", 1), ("张三", 2)]
    assert set(AuditEvent.objects.filter(action=Action.DOSE_CHANGE).values_list("channel", flat=True)) == {"import"}


def test_the_api_records_and_reports_coverage(client, nurse, person, commander):
    services.refresh_coverage()
    body = {"person_id": person.pk, "product": "bibp", "dose": 2, "given_on": "2022-01-01", "site": "接种点"}
    answer = bearer(client, nurse).post("/api/v1/doses", body, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "dose"
    answer = client.post("/api/v1/doses", {**body, "dose": 1}, content_type="application/json")
    assert answer.status_code == 201
    figures = bearer(client, commander).get("/api/v1/jurisdictions/420100/coverage").json()
    overall = figures["total"]["groups"][0]
    assert (overall["group"], overall["population"], overall["first"], overall["first_percent"]) == ("all", 1, 1, 100.0)
    gaps = bearer(client, commander).get("/api/v1/jurisdictions/420100/coverage/grid-gaps?page_size=10").json()
    assert gaps["count"] == 1 and gaps["items"][0]["code"] == person.grid.code
    assert [g["target"] for g in gaps["items"][0]["gaps"]] == [t.label for t in services.targets()]


def test_the_unvaccinated_page_shows_and_audits_the_80_plus(client, grid_worker, tree):
    old = create_person(grid_worker, PersonInput(id_number="420102193001011239", name="老寿星",
                                                 grid_code=tree["grid_a1"].code)).person
    client.force_login(grid_worker)
    page = client.get(f"/vaccination/{tree['grid_a1'].code}/unvaccinated/")
    assert page.status_code == 200 and "老寿星" in page.content.decode()
    assert AuditEvent.objects.filter(actor=grid_worker, action=Action.VIEW_PERSON, person=old).exists()
