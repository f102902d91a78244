"""A role that may not see a register is told so on its page, its download and the export list, never shown
an empty register (public and logistics users were told "没有在管病例" while cases were open)."""

import pytest

from fangkong.accounts.models import PERSON_ROLES, Role
from fangkong.cases import services as cases
from fangkong.conftest import login_client, make_user

REGISTER_PAGES = {"/cases/": "病例", "/ledger/": "可疑症状台账", "/observation/": "医学观察", "/alerts/": "预警",
                  "/arrivals/": "来返人员登记", "/assist/": "协查请求", "/handovers/": "监测点交接"}


@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_the_open_cases_or_is_told_it_may_not(client, tree, person, epidemiologist, role):
    cases.open_case(epidemiologist, person.pk)
    login_client(client, make_user(f"user-{role}", role, tree["city"]))
    page = client.get("/cases/")
    if role in PERSON_ROLES:
        assert page.status_code == 200 and "张三" in page.content.decode()
    else:
        assert page.status_code == 403
        assert "你的角色无权查看病例。" in page.content.decode() and "没有在管病例" not in page.content.decode()


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.LOGISTICS])
def test_every_register_page_and_download_tells_a_figures_only_role_so(client, tree, role):
    login_client(client, make_user(f"user-{role}", role, tree["city"]))
    for path, title in REGISTER_PAGES.items():
        page = client.get(path)
        assert (page.status_code, f"你的角色无权查看{title}。" in page.content.decode()) == (403, True), path
    download = client.get("/exports/cases.csv")
    assert download.status_code == 403 and "你的角色无权查看病例。" in download.content.decode()
    listing = client.get("/exports/").content.decode()
    # all but the risk areas, zero reports, passes, goods batches and the supplies' registers name people
    assert listing.count('data-testid="withheld"') == 12
    assert client.get("/exports/risk-areas.csv").status_code == 200


def test_the_api_refuses_a_register_download_naming_the_role(client, tree):
    from fangkong.accounts.services import create_token

    token = create_token(make_user("public", Role.PUBLIC, tree["city"]).username)
    response = client.get("/api/v1/exports/cases?format=csv", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403 and response.json()["errors"][0]["field"] == "role"
    listed = client.get("/api/v1/exports", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert {e["name"] for e in listed if e["allowed"]} == {  # these name units, places and goods, not people
        "risk-areas", "zero-reports", "passes", "goods-batches", "stock-ledger", "supply-requests", "allocations",
        "shipments", "procurement-orders", "special-settings", "rectifications", "tasks", "public-reports"}


def test_a_figures_only_role_at_a_grid_is_told_it_sees_no_people(client, tree, person):
    login_client(client, make_user("public", Role.PUBLIC, tree["city"]))
    page = client.get(f"/j/{tree['grid_a1'].code}/").content.decode()
    assert "您的角色只能查看统计数字，不能查看个人信息。" in page
    assert "张三" not in page
