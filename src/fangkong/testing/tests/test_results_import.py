"""The lab's result list imported from .xlsx or CSV: every row checked first, refusals by row, column and reason;
the valid rows act like entered results (a positive pool isolates its people)."""

import pytest

from fangkong.imports import services as imports
from fangkong.imports.models import ImportStatus
from fangkong.imports.tests.workbooks import workbook
from fangkong.people.models import Person
from fangkong.quarantine.models import Order
from fangkong.testing import campaigns, services
from fangkong.testing.models import Sample

from .test_campaign import city, staff  # noqa: F401  (fixtures)

HEADER = ["样本编号", "检测结果", "CT值", "报告时间"]


@pytest.fixture
def tubes(city, staff):  # noqa: F811
    from fangkong.jurisdictions.models import Jurisdiction, Level

    campaign = campaigns.declare_campaign(staff["command"], name="全员", area_code=city.code)
    community = Jurisdiction.objects.filter(level=Level.COMMUNITY).first()
    point = campaigns.add_point(staff["command"], campaign.pk, name="点", jurisdiction_code=community.code,
                                population=2500)
    people = list(Person.objects.order_by("id")[:26])
    codes = [f"LAB-{n // 10}" for n in range(20)] + ["LAB-2", "LAB-3", "LAB-4", "LAB-5", "LAB-6", "LAB-9"]
    for person, code in zip(people, codes):
        campaigns.open_tube(staff["sampler"], point.pk, code)
        campaigns.add_to_tube(staff["sampler"], code, person.id_number)
    services.receive_tubes(staff["lab"], sorted(set(codes) - {"LAB-9"}))  # LAB-9 never reaches the lab
    return people


ROWS = [
    ["LAB-0", "阳性", "28.4", ""],  # 2: valid, a positive pool
    ["LAB-1", "阴性", "", ""],  # 3: valid
    ["LAB-404", "阴性", "", ""],  # 4: unknown tube
    ["LAB-9", "阴性", "", ""],  # 5: never received
    ["LAB-2", "阳性", "61", ""],  # 6: impossible Ct
    ["LAB-3", "阳性", "", ""],  # 7: a positive without its Ct
    ["LAB-4", "可能", "", ""],  # 8: not a result
    ["LAB-5", "阴性", "", "明天"],  # 9: not a time
    ["", "阴性", "", ""],  # 10: no tube code
    ["LAB-1", "阴性", "", ""],  # 11: the same tube as row 3
]


def check(staff, data, filename):  # noqa: F811
    job, _created = imports.upload(staff["lab"], "results", filename, data)
    return imports.run_to_end(job)


def csv_bytes(rows) -> bytes:
    lines = [",".join(HEADER)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("gb18030")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_every_kind_of_bad_row_is_refused_by_row_and_column_then_the_valid_rows_act(staff, tubes, kind):  # noqa: F811
    data = workbook(ROWS, header=HEADER, sheet="结果") if kind == "xlsx" else csv_bytes(ROWS)
    job = check(staff, data, f"results.{kind}")
    assert job.status == ImportStatus.CHECKED, list(job.refusals.values_list("message", flat=True))
    by_row = {}
    for refusal in job.refusals.order_by("row"):
        by_row.setdefault(refusal.row, []).append((refusal.header, refusal.message))
    assert sorted(by_row) == [4, 5, 6, 7, 8, 9, 10, 11]
    assert "unknown tube code LAB-404" in by_row[4][0][1]
    assert "never received" in by_row[5][0][1]
    assert by_row[6][0][0] == "CT值" and "impossible" in by_row[6][0][1]
    assert "needs its Ct" in by_row[7][0][1]
    assert by_row[8][0][0] == "检测结果"
    assert by_row[9][0][0] == "报告时间"
    assert by_row[10][0][0] == "样本编号"
    assert "same entry as row 3" in by_row[11][0][1]
    assert not Sample.objects.filter(resulted_at__isnull=False).exists()  # checking wrote nothing

    job = imports.run_to_end(imports.choose(staff["lab"], job.pk, import_valid=True))
    assert (job.status, job.written_rows) == (ImportStatus.IMPORTED, 2)
    assert dict(Sample.objects.filter(resulted_at__isnull=False).values_list("code", "outcome")) == {
        "LAB-0": "positive", "LAB-1": "negative"}
    assert Order.objects.filter(status="active").count() == 10  # the positive pool's ten, isolated
