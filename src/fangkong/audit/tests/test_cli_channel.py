"""The `fangkong` command is the CLI's entry: what its commands change is audited through channel "cli"."""

from django.db import connections

from fangkong import actors, cli
from fangkong.audit.models import Action, AuditEvent


def test_a_command_run_through_fangkong_is_audited_as_cli(monkeypatch, capsys, grid_worker):
    # A command closes the database connections as it ends; the test's transaction must outlive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    monkeypatch.setattr("sys.argv", ["fangkong", "createuser", "wang", "--role", "grid", "--jurisdiction",
                                     grid_worker.jurisdiction.code, "--password", "a-long-password-1"])
    cli.main()
    monkeypatch.setattr("sys.argv", ["fangkong", "token", "create", "--user", "wang"])
    cli.main()
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("fk_")
    created = AuditEvent.objects.get(action=Action.USER_CREATED, details__changes__username=[None, "wang"])
    token = AuditEvent.objects.get(action=Action.TOKEN_CREATED)
    assert (created.channel, token.channel, token.actor_name) == ("cli", "cli", "wang")
    assert actors.current().channel == ""  # the command's channel ends with it
