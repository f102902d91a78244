"""Risk areas: declared by the command centre, anywhere in the country, with their history kept."""

import datetime as dt

import pytest

from fangkong.accounts.services import create_token
from fangkong.conftest import login_client
from fangkong.errors import InputRefused
from fangkong.screening import services
from fangkong.screening.models import RiskArea

DAY = dt.date(2026, 11, 1)


def test_a_change_keeps_the_history_and_the_list_can_be_read_as_of_any_day(commander):
    services.declare(commander, code="110105", level="medium", valid_from=DAY)  # Beijing Chaoyang: outside our tree
    raised = services.declare(commander, code="110105", level="high", valid_from=DAY + dt.timedelta(days=3))
    assert raised.name == "朝阳区" and [a.level for a in services.history("110105")] == ["medium", "high"]
    assert [a.level for a in services.in_force(DAY + dt.timedelta(days=4))] == ["high"]
    assert RiskArea.objects.filter(superseded_at=None).count() == 1
    services.lift(commander, "110105", DAY + dt.timedelta(days=10))
    assert services.level_of("110105", DAY + dt.timedelta(days=10)) == "high"
    assert services.level_of("110105", DAY + dt.timedelta(days=11)) is None
    assert services.history("110105").count() == 3


def test_a_township_is_at_its_own_level_and_otherwise_at_its_countys(commander):
    services.declare(commander, code="420106", level="medium", valid_from=DAY)
    services.declare(commander, code="420106002000", name="中南路街道", level="high", valid_from=DAY)
    assert services.level_of("420106002000", DAY) == "high"
    assert services.level_of("420106009000", DAY) == "medium"
    assert services.level_of("420111", DAY) is None


@pytest.mark.parametrize("code, name", [
    ("441900", "东莞市"),  # a prefecture-level city with no counties: its townships sit right under it
    ("412723", "商水县"),  # abolished in 2000 (now 411623), still how people name where they come from
    ("420117", "新洲区"),
])
def test_any_county_level_code_that_ever_existed_is_declared_under_its_name(commander, code, name):
    assert services.declare(commander, code=code, level="high", valid_from=DAY).name == name


@pytest.mark.parametrize("kwargs, field", [
    ({"code": "12345"}, "code"),
    ({"code": "999999"}, "code"),
    ({"code": "420108"}, "code"),  # never a code
    ({"code": "420100"}, "code"),  # Wuhan is a prefecture divided into districts: declare those
    ({"code": "420106002000"}, "name"),
    ({"level": "purple"}, "level"),
    ({"valid_to": DAY - dt.timedelta(days=1)}, "valid_to"),
])
def test_bad_declarations_are_refused_naming_the_field(commander, kwargs, field):
    arguments = {"code": "420106", "level": "high", "valid_from": DAY, **kwargs}
    with pytest.raises(InputRefused) as refused:
        services.declare(commander, **arguments)
    assert refused.value.problems[0].field == field
    assert not RiskArea.objects.exists()


def test_only_the_command_centre_declares(grid_worker):
    with pytest.raises(InputRefused):
        services.declare(grid_worker, code="420106", level="high", valid_from=DAY)


def test_the_list_is_public_on_the_web_and_the_api(client, commander):
    services.declare(commander, code="110105", level="high", valid_from=dt.date(2026, 1, 1))
    page = client.get("/risk-areas/").content.decode()
    assert "朝阳区" in page and 'data-testid="declare-form"' not in page
    body = client.get("/api/v1/risk-areas").json()
    assert [(a["code"], a["level"]) for a in body] == [("110105", "high")]
    assert client.post("/api/v1/risk-areas", {"code": "110105", "level": "low", "valid_from": "2026-01-01"},
                       content_type="application/json").status_code == 401


def test_the_command_centre_declares_from_the_page_and_the_api(client, commander):
    login_client(client, commander)
    client.post("/risk-areas/declare/", {"code": "310115", "level": "medium", "valid_from": "2026-11-01"})
    assert services.level_of("310115", dt.date(2026, 11, 2)) == "medium"
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(commander.username)}"
    response = client.post("/api/v1/risk-areas", {"code": "31011", "level": "low", "valid_from": "2026-11-01"},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "code"
