"""Every register downloads as Excel and CSV, streamed, scoped to the user's subtree, masked for their role,
and every person in it audited."""

import datetime as dt
import io

import pytest
import python_calamine
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.accounts.services import create_token
from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import VALID_ID, login_client, make_user, xlsx_rows
from fangkong.pathways import arrivals as arrival_journey
from fangkong.people.services import PersonInput
from fangkong.screening import services as screening
from fangkong.web.exports import write_xlsx
from fangkong.web.registers import EXPORTS


@pytest.fixture
def arrival(grid_worker):
    registered, _ = arrival_journey.register_arrival(grid_worker, screening.ArrivalInput(
        person=PersonInput(id_number=VALID_ID, name="张三", phone="13812345678",
                           grid_code=grid_worker.jurisdiction.code),
        origin_code="110105", arrived_at=timezone.now() - dt.timedelta(hours=2), mode="train", vehicle="G1234",
        category="worker"))
    return registered


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_register_downloads_as_excel_and_csv_under_its_header(client, commander, arrival, name):
    login_client(client, commander)
    header = EXPORTS[name].header()
    assert xlsx_rows(download(client, f"/exports/{name}.xlsx"))[0] == header
    assert download(client, f"/exports/{name}.csv").decode("utf-8-sig").splitlines()[0] == ",".join(header)


def test_the_arrival_register_is_masked_for_a_grid_worker_and_audited_person_by_person(client, grid_worker, arrival):
    login_client(client, grid_worker)
    rows = xlsx_rows(download(client, "/exports/arrivals.xlsx"))
    assert rows[1][1:4] == ["张三", "420***********1232", "13812345678"]  # a grid worker calls, but sees no ID
    assert rows[1][6] == ""  # no area declared: no risk
    exported = AuditEvent.objects.get(action=Action.EXPORT_PERSON)
    assert (exported.person_id, exported.actor, exported.details["register"]) == (arrival.person_id, grid_worker,
                                                                                 "arrivals")


def test_an_epidemiologist_sees_the_id_in_clear_and_the_neighbouring_grid_sees_nothing(client, tree, arrival,
                                                                                        sibling_worker):
    epidemiologist = make_user("epi", Role.EPIDEMIOLOGIST, tree["city"])
    login_client(client, epidemiologist)
    assert xlsx_rows(download(client, "/exports/arrivals.xlsx"))[1][2] == VALID_ID
    login_client(client, sibling_worker)
    assert len(xlsx_rows(download(client, "/exports/arrivals.xlsx"))) == 1  # the header alone


def test_labels_are_in_the_users_language(client, grid_worker, arrival):
    login_client(client, grid_worker)
    client.cookies["django_language"] = "zh-hans"
    rows = xlsx_rows(download(client, "/exports/arrivals.xlsx"))
    assert rows[0][:2] == ["抵达时间", "姓名"] and rows[1][7] == "火车"


def test_the_api_streams_a_register_to_a_token(client, grid_worker, arrival):
    token = create_token(grid_worker)
    response = client.get("/api/v1/exports/arrivals", {"format": "csv"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and "张三" in b"".join(response.streaming_content).decode("utf-8-sig")
    assert client.get("/api/v1/exports/beds", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404
    refused = client.get("/api/v1/exports/arrivals", {"format": "pdf"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "format"


def test_an_address_for_a_format_we_do_not_write_is_not_found(client, commander, tree):
    login_client(client, commander)
    assert client.get("/exports/arrivals.pdf").status_code == 404
    assert client.get(f"/j/{tree['city'].code}/persons.pdf").status_code == 404


class Counted(list):
    """Rows that say how many they are, as a register export's do."""

    @property
    def total(self):
        return len(self)


def test_a_register_longer_than_a_sheet_continues_on_the_next():
    target = io.BytesIO()
    assert write_xlsx(target, ["n"], Counted([i] for i in range(5)), sheet="登记", max_rows=3) == 5
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(target.getvalue()))
    assert book.sheet_names == ["登记", "登记 (2)", "登记 (3)"]
    assert [r[0] for r in book.get_sheet_by_name("登记 (2)").to_python()] == ["n", 2, 3]
    with pytest.raises(ValueError, match="more rows than 1 sheet"):  # never a silently shortened register
        write_xlsx(io.BytesIO(), ["n"], ([i] for i in range(5)), max_rows=3)


def test_an_empty_register_still_has_its_header():
    target = io.BytesIO()
    assert write_xlsx(target, ["姓名", "网格"], Counted()) == 0
    assert xlsx_rows(target.getvalue()) == [["姓名", "网格"]]


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(client, commander, tree):
    screening.declare(commander, code="110105", level="high", valid_from=timezone.localdate(), note="=HYPERLINK(1)")
    login_client(client, commander)
    assert "'=HYPERLINK(1)" in download(client, "/exports/risk-areas.csv").decode("utf-8-sig")
