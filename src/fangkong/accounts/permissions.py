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
LOGISTICS = Role.LOGISTICS
# Not in any row: PUBLIC (read-only by definition). LAB receives tubes, reports results and tests goods and workers;
# a diagnosis is the hospital's or the epidemiologist's, with the result in hand. LOGISTICS has the passes', the
# goods' and the supplies' writes.

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
    # testing: a test is asked for (a suspected case's same-day test, a schedule) by whoever follows the person;
    "test.ask": frozenset({COMMAND, EPIDEMIOLOGIST, GRID, HOSPITAL}),
    # tubes are taken by the sampling staff: a grid's or site's medical staff, a point's team, the lab's own;
    "sample.take": frozenset({COMMAND, GRID, HOSPITAL, LAB}),
    # the lab scans tubes in and reports their results (a positive's consequences follow: pathways/testing.py);
    "sample.receive": frozenset({COMMAND, LAB}),
    "result.record": frozenset({COMMAND, LAB}),
    # a mass-testing campaign, its rounds and sampling points are declared by the command centre.
    "campaign.declare": frozenset({COMMAND}),
    # special settings under watch (M13) are listed by the grid they sit in and by the command centre...
    "setting.register": frozenset({COMMAND, GRID}),
    # ...the checklist of each kind is the command centre's, versioned...
    "checklist.edit": frozenset({COMMAND}),
    # ...inspections (planned or 四不两直) are made by the command centre's inspectors and the CDC's...
    "inspection.conduct": frozenset({COMMAND, EPIDEMIOLOGIST}),
    # ...the owner unit (a grid, a community, a street) reports its rectification done, with evidence...
    "rectification.report": frozenset({COMMAND, GRID}),
    # ...and the inspectors verify it by re-inspection; the command centre chooses the findings to publish.
    "rectification.verify": frozenset({COMMAND, EPIDEMIOLOGIST}),
    "finding.publish": frozenset({COMMAND}),
    # tasks (M17) are assigned and verified by the command centre; whoever owns one works it, whatever their role
    # (so LAB and LOGISTICS have a write: their own tasks).
    "task.assign": frozenset({COMMAND}),
    "task.work": frozenset({COMMAND, GRID, CHECKPOINT, EPIDEMIOLOGIST, LAB, HOSPITAL, Role.LOGISTICS}),
    # supervision visits (督查) are the command centre's.
    "supervision.record": frozenset({COMMAND}),
    # reports from the public are triaged, referred, closed and published by the command centre; the unit they are
    # referred to replies.
    "public_report.handle": frozenset({COMMAND}),
    "public_report.reply": frozenset({COMMAND, GRID}),
    # green-channel passes are issued and revoked by the command centre and its logistics officers, who run the
    # supply transport; checkpoint staff check them on the road.
    "pass.issue": frozenset({COMMAND, LOGISTICS}),
    "pass.revoke": frozenset({COMMAND, LOGISTICS}),
    "pass.check": frozenset({COMMAND, CHECKPOINT}),
    # vaccine doses are recorded (or imported from the immunisation system) by the command centre's health staff
    # and the hospitals and clinics that vaccinate.
    "dose.record": frozenset({COMMAND, HOSPITAL}),
    # goods (cold chain, imports): the command centre sets up the ports and stores it watches; its logistics officers
    # (with the market regulators they stand for) record batches, disinfection and moves, release or dispose of a
    # batch; samples and their results are also the lab's; the worker register names people, so it is the command
    # centre's and the lab's that tests them (logistics sees no persons).
    "goods.site": frozenset({COMMAND}),
    "goods.record": frozenset({COMMAND, LOGISTICS}),
    "goods.sample": frozenset({COMMAND, LOGISTICS, LAB}),
    "goods.dispose": frozenset({COMMAND, LOGISTICS}),
    "goods.worker": frozenset({COMMAND, LAB}),
    # supplies: stores are set up by the command centre and its logistics officers...
    "store.add": frozenset({COMMAND, LOGISTICS}),
    # ...whose ledgers are kept by the logistics officers and by the hospital or site staff who hold the store.
    "stock.record": frozenset({COMMAND, LOGISTICS, HOSPITAL}),
    # a unit (hospital, site, county) asks for supplies; the logistics officers ask for their stores too.
    "supply.request": frozenset({COMMAND, LOGISTICS, HOSPITAL}),
    # requests are approved, and allocated by the rule, by the command centre and its logistics officers.
    "supply.approve": frozenset({COMMAND, LOGISTICS}),
    "supply.allocate": frozenset({COMMAND, LOGISTICS}),
    # logistics ships and orders; whoever holds the receiving store counts what arrived.
    "shipment.dispatch": frozenset({COMMAND, LOGISTICS}),
    "shipment.receive": frozenset({COMMAND, LOGISTICS, HOSPITAL}),
    "procurement.order": frozenset({COMMAND, LOGISTICS}),
    # workforce: hospitals keep their medical staff's records, training and echelons, the command centre its
    # cadres and everyone's; both deploy staff to posts and book their rest rooms, and both plan rosters (posts,
    # shifts, requests, solving, hand edits) under the rest rules.
    "workforce.staff": frozenset({COMMAND, HOSPITAL}),
    "workforce.deploy": frozenset({COMMAND, HOSPITAL}),
    "roster.plan": frozenset({COMMAND, HOSPITAL}),
    # self-report links go out from whoever takes the home readings: the person's reading counts as theirs.
    "selfreport.issue": frozenset({COMMAND, GRID}),
    # care: facilities are set up and activated (in batches), opened and closed by the command centre; the
    # hospitals keep their wards' beds, assign beds to the patients waiting, and request and take transfers.
    "facility.add": frozenset({COMMAND}),
    "facility.change": frozenset({COMMAND}),
    "facility.beds": frozenset({COMMAND, HOSPITAL}),
    "bed.assign": frozenset({COMMAND, HOSPITAL}),
    "transfer.request": frozenset({COMMAND, HOSPITAL}),
    "transfer.decide": frozenset({COMMAND, HOSPITAL}),
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
