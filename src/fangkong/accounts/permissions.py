"""Who may write what: one table, one check.

Every write service starts with `require(actor, "<write>")`, in the service and not the view, so a page, an
API call, the CLI and an import are refused alike. Where a write may happen (which records) is the scoping
kernel's business (accounts/scoping.py); this table says only which roles may do it at all. A superuser may do
everything; a write missing from the table is a programming error, not a silent yes.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.errors import InputRefused

from .models import Role

COMMAND, GRID, CHECKPOINT = Role.COMMAND, Role.GRID, Role.CHECKPOINT
EPIDEMIOLOGIST, LAB, HOSPITAL = Role.EPIDEMIOLOGIST, Role.LAB, Role.HOSPITAL
# Not in any row: PUBLIC (read-only by definition), LOGISTICS (supplies have no write yet) and LAB (test
# results have no write yet; a diagnosis is the hospital's or the epidemiologist's, with the result in hand).

WRITE: dict[str, frozenset[str]] = {
    # people: the grid keeps its register; checkpoint staff register travellers bound for one of our grids;
    # epidemiologists register the contacts they trace.
    "person.register": frozenset({COMMAND, GRID, CHECKPOINT, EPIDEMIOLOGIST}),
    # the suspicious-symptom ledger: whoever meets the person with symptoms enters them (door-to-door, a
    # checkpoint's fever reading, a fever clinic)...
    "symptoms.report": frozenset({COMMAND, GRID, CHECKPOINT, EPIDEMIOLOGIST, HOSPITAL}),
    # ...and the epidemiologist judges each entry (dismissed, observed, a case).
    "symptoms.resolve": frozenset({COMMAND, EPIDEMIOLOGIST}),
    # a suspected case is opened by the epidemiologist or the fever clinic that sees the patient.
    "case.open": frozenset({COMMAND, EPIDEMIOLOGIST, HOSPITAL}),
    # a case moves (diagnosis, transfer, admission, discharge, severity, direct report) by the hospital that
    # treats it or the epidemiologist who follows it.
    "case.move": frozenset({COMMAND, EPIDEMIOLOGIST, HOSPITAL}),
    # a central quarantine site is requisitioned by the command centre.
    "site.add": frozenset({COMMAND}),
    # observation orders are decided by the epidemiologist (contacts) and the command centre; the grid puts
    # its residents under home observation, a site's staff take people into central quarantine.
    "order.place": frozenset({COMMAND, EPIDEMIOLOGIST, GRID, HOSPITAL}),
    # an order is extended, ended or turned into a transfer by those who placed it and by the site's staff.
    "order.change": frozenset({COMMAND, EPIDEMIOLOGIST, GRID, HOSPITAL}),
    # the twice-daily readings: the grid at home, the site's staff in central quarantine.
    "reading.record": frozenset({COMMAND, GRID, HOSPITAL}),
    # fever and missed-reading alerts are handled by whoever takes the readings, and the epidemiologist.
    "alert.handle": frozenset({COMMAND, GRID, HOSPITAL, EPIDEMIOLOGIST}),
    # risk areas are declared and lifted by the command centre only.
    "riskarea.declare": frozenset({COMMAND}),
    # arrivals are registered, and followed up, by the grid they come to.
    "arrival.register": frozenset({COMMAND, GRID}),
    "arrival.follow_up": frozenset({COMMAND, GRID}),
    # assist-investigation requests (协查) come in to the command centre and its epidemiologists...
    "assist.receive": frozenset({COMMAND, EPIDEMIOLOGIST}),
    # ...and are answered by the grid that went to look (or by them).
    "assist.answer": frozenset({COMMAND, GRID, EPIDEMIOLOGIST}),
    # checkpoints are set up by the command centre; their staff make the entries.
    "checkpoint.add": frozenset({COMMAND}),
    "checkpoint.entry": frozenset({COMMAND, CHECKPOINT}),
    # the destination grid confirms a traveller handed over to it.
    "handover.confirm": frozenset({COMMAND, GRID}),
    # every unit submits its own daily zero report: grids and the command centres above them.
    "report.submit": frozenset({COMMAND, GRID}),
    # warning: rules, response levels, playbooks (drills too) and their six tasks are the command centre's.
    "warning.rule": frozenset({COMMAND}),
    "warning.level": frozenset({COMMAND}),
    "warning.playbook": frozenset({COMMAND}),
    "warning.task": frozenset({COMMAND}),
    # the daily bulletin is drafted and published by the command centre.
    "bulletin.publish": frozenset({COMMAND}),
    # self-report links go out from whoever takes the home readings: the person's reading counts as theirs.
    "selfreport.issue": frozenset({COMMAND, GRID}),
}


class Forbidden(InputRefused):
    """A write the actor's role may not do, whatever the record: 403, nothing written."""

    status = 403


def may(actor, write: str) -> bool:
    roles = WRITE[write]  # a KeyError here is a write nobody declared
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    return actor.is_superuser or actor.role in roles


def require(actor, write: str) -> None:
    """Refuse, naming the role, a write the table does not give to the actor's role."""
    if not may(actor, write):
        role = actor.get_role_display() if getattr(actor, "is_authenticated", False) else _("anonymous")
        raise Forbidden(("role", _("%(role)s may not do this") % {"role": role}))
