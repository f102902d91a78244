from django.contrib.auth.hashers import identify_hasher

from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import PASSWORD


def test_passwords_are_hashed_with_argon2(grid_worker):
    assert identify_hasher(grid_worker.password).algorithm == "argon2"


def test_a_user_logs_in_and_lands_on_their_home_page(client, grid_worker, commander):
    response = client.post("/login/", {"username": "inside", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/today/"  # a grid worker's day of work
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=grid_worker).exists()
    client.post("/logout/")
    response = client.post("/login/", {"username": commander.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == f"/j/{commander.jurisdiction.code}/"  # the desk: their jurisdiction


def test_a_wrong_password_says_so_in_chinese_by_default(client, grid_worker):
    response = client.post("/login/", {"username": "inside", "password": "nope"})
    assert response.status_code == 400
    assert "用户名或密码错误" in response.content.decode()


def test_every_refused_login_is_audited_with_the_clients_address(client, grid_worker, settings):
    settings.LOGIN_FAILURE_LIMIT = 1
    client.post("/login/", {"username": "inside", "password": "nope"}, REMOTE_ADDR="198.51.100.4")
    client.post("/login/", {"username": "inside", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4")
    refused = AuditEvent.objects.filter(action=Action.LOGIN_REFUSED).order_by("at", "id")
    assert [(e.details["why"], e.channel, e.ip) for e in refused] == [
        ("wrong password", "web", "198.51.100.4"), ("throttled", "web", "198.51.100.4")]


def test_the_ui_switches_to_english(client, grid_worker):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.post("/login/", {"username": "inside", "password": "nope"})
    assert "wrong user name or password" in response.content.decode()
