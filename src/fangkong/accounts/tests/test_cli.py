import io

import pytest
from django.core.management import CommandError, call_command

from fangkong.accounts.models import ApiToken, User


def test_createuser_makes_a_user_in_a_jurisdiction(tree):
    call_command("createuser", "wang", role="grid", jurisdiction=tree["grid_a1"].code, password="a-long-password-1",
                 stdout=io.StringIO())
    user = User.objects.get(username="wang")
    assert (user.role, user.jurisdiction) == ("grid", tree["grid_a1"])


def test_createuser_refuses_an_unknown_jurisdiction_and_writes_nothing(tree):
    with pytest.raises(CommandError, match="jurisdiction"):
        call_command("createuser", "wang", role="grid", jurisdiction="999999", password="a-long-password-1")
    assert not User.objects.filter(username="wang").exists()


def test_token_create_prints_a_token_that_opens_the_api(client, grid_worker):
    out = io.StringIO()
    call_command("token", "create", user=grid_worker.username, stdout=out)
    token = out.getvalue().strip()
    assert ApiToken.objects.get().key_hash != token  # only a hash is kept
    response = client.get("/api/v1/jurisdictions/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["code"] == grid_worker.jurisdiction.code


def test_token_create_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="user"):
        call_command("token", "create", user="nobody")
