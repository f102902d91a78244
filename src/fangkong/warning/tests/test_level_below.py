"""A level with no response of its own says what is in force below it, and where: on the dashboard badge,
the warning page and the API."""

from fangkong.accounts.services import create_token
from fangkong.conftest import login_client
from fangkong.warning import services


def badge(client, code: str) -> str:
    page = client.get(f"/dashboard/{code}/").content.decode()
    return page.split('data-testid="response-level">')[1].split("</a>")[0]


def test_the_city_says_its_districts_are_at_level_iv_and_which(client, commander, tree):
    login_client(client, commander)
    assert badge(client, "420100").startswith("未启动响应")
    services.change_level(commander, tree["county_a"], 4, note="发热预警")
    services.change_level(commander, tree["county_b"], 4, note="发热预警")
    assert badge(client, "420100").startswith(
        '本级未启动响应 · <span data-testid="level-below">下辖 2 个单位 IV 级（江岸区、江汉区）</span>')
    warning_page = client.get("/warning/").content.decode()
    assert "下辖 2 个单位 IV 级（江岸区、江汉区）" in warning_page.split('data-testid="level"')[1][:400]
    assert badge(client, "420102").startswith("IV 级")  # the district's own level, nothing more severe below

    services.change_level(commander, tree["county_b"], 5, note="解除")
    assert "下辖 1 个单位 IV 级（江岸区）" in badge(client, "420100")
    services.change_level(commander, tree["city"], 3, note="研判")
    assert badge(client, "420100").startswith("III 级") and "下辖" not in badge(client, "420100")
    services.change_level(commander, tree["community_a"], 2, note="聚集性疫情")
    assert badge(client, "420100").startswith("III 级 · ")
    assert "下辖 1 个单位 II 级（江岸区幸福社区）" in badge(client, "420100")


def test_the_api_names_the_level_below_and_its_places(client, commander, tree):
    services.change_level(commander, tree["county_a"], 4, note="发热预警")
    token = create_token(commander.username)
    body = client.get("/api/v1/jurisdictions/420100/warning", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (body["level"], body["below"]) == (5, {"level": 4, "codes": ["420102"]})
    body = client.get("/api/v1/jurisdictions/420102/warning", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (body["level"], body["below"]) == (4, None)
