"""Checkpoint → destination: a traveller entered at a checkpoint is handed over to their grid (the checkpoint's own
work), and a febrile one (at or above the disease's threshold) raises a fever alert and a symptom-ledger entry for
the destination grid, or for the checkpoint's own county when the traveller is not one of ours."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fangkong.cases import disease as diseases
from fangkong.cases import services as cases
from fangkong.cases.models import SymptomReport
from fangkong.checkpoints import services as checkpoints
from fangkong.checkpoints.models import Entry
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.quarantine import services as quarantine

from .care import FeverNext


def record_entry(actor, checkpoint_id: int, data: checkpoints.EntryInput, *, idempotency_key: str | None = None
                 ) -> tuple[Entry, FeverNext | None]:
    """Record the entry; a new febrile one raises its alert and ledger entry in the same transaction (a
    resubmission under the same key raises nothing twice). Returns the entry and, for a fever, what follows."""
    with transaction.atomic():
        entry, created = checkpoints.record_entry_once(actor, checkpoint_id, data, idempotency_key=idempotency_key)
        if not (created and entry.fever):
            return entry, None
        owner = _owner(entry)
        name = entry.person.name if entry.person_id else entry.traveller_name
        quarantine.raise_checkpoint_alert(actor, person=entry.person, owner_path=owner.path, note=str(
            _("%(name)s, %(t)s °C at %(checkpoint)s") % {"name": name, "t": entry.temperature,
                                                        "checkpoint": entry.checkpoint.name}))
        ledger = cases.enter_fevers(actor, [cases.Fever(entry.person_id, entry.temperature, entry.entered_at,
                                                        _("fever at checkpoint %(c)s") % {"c": entry.checkpoint.name})],
                                    source=SymptomReport.Source.CHECKPOINT)
    return entry, FeverNext(entry.temperature, diseases.current().fever_threshold, owner.name,
                            ledger[0].deadline if ledger else None, registered=bool(entry.person_id))


def _owner(entry: Entry) -> Jurisdiction:
    """Who acts on the fever: the traveller's grid when they are ours, else the county the checkpoint lies in."""
    if entry.person_id:
        return entry.person.grid
    node = entry.checkpoint.jurisdiction
    ancestors = [node.path[: i + 1] for i, char in enumerate(node.path) if char == "/"]
    return Jurisdiction.objects.filter(path__in=ancestors, level=Level.COUNTY).first() or node
