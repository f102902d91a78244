"""The write table: who may, and a refusal that reaches every surface, the CLI and imports included."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import WRITE, Forbidden, may, require
from fangkong.conftest import make_user
from fangkong.imports.models import ImportJob
from fangkong.imports.registers import ARRIVALS
from fangkong.reporting import services as reporting
from fangkong.reporting.models import DailyReport


def test_nobody_unknown_or_inactive_writes_and_a_superuser_writes_everything(tree, grid_worker):
    assert not any(may(AnonymousUser(), w) or may(None, w) for w in WRITE)
    grid_worker.is_active = False
    assert not may(grid_worker, "person.register")
    grid_worker.role, grid_worker.is_active, grid_worker.is_superuser = Role.PUBLIC, True, True
    assert all(may(grid_worker, w) for w in WRITE)
    with pytest.raises(KeyError):  # a write nobody declared is a mistake, not a silent yes
        may(grid_worker, "person.delete")


def test_the_public_role_writes_nothing(tree):
    reader = make_user("reader", Role.PUBLIC, tree["grid_a1"])
    assert [w for w in WRITE if may(reader, w)] == []
    with pytest.raises(Forbidden) as refused:
        reporting.submit(reader, tree["grid_a1"].code, timezone.localdate())
    assert refused.value.status == 403 and refused.value.problems[0].field == "role"
    assert not DailyReport.objects.exists()


def test_the_cli_import_refuses_a_role_without_the_write_and_stores_nothing(tree, tmp_path):
    reader = make_user("reader", Role.LOGISTICS, tree["grid_a1"])
    path = tmp_path / "arrivals.xlsx"
    path.write_bytes(ARRIVALS.template())
    with pytest.raises(CommandError, match="(?i)role|角色"):
        call_command("import_xlsx", "arrivals", str(path), user=reader.username)
    assert not ImportJob.objects.exists()


def test_the_refusal_names_the_role_in_the_users_language(tree):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(Forbidden) as refused:
        require(make_user("lab", Role.LAB, tree["grid_a1"]), "case.move")
    assert refused.value.as_dicts() == [{"field": "role", "message": "检测机构人员无权执行此操作"}]
