"""A small care world inside one jurisdiction, for the sweeps that call every route (persona sweep, audit)."""

from types import SimpleNamespace

from django.utils import timezone

from fangkong.care import services
from fangkong.care.models import Transfer


def seed_care(actor, node, case, *, prefix: str = "IN", in_bed: bool = False, transfer: bool = False
              ) -> SimpleNamespace:
    """Two open makeshift hospitals under `node` with beds; `case` waiting for a bed (or in one of the first, or
    in one with a transfer to the second requested)."""
    def opened(code, name):
        facility = services.add_facility(actor, code=f"{prefix}-{code}", name=name, kind="makeshift",
                                         jurisdiction_code=node.code)
        services.activate(actor, [facility.pk])
        services.step_facility(actor, facility.pk, "open")
        services.add_beds(actor, facility.pk, ward="A区", kind="general", count=3)
        return facility
    first, second = opened("FC-1", "内方舱一"), opened("FC-2", "内方舱二")
    admission = services.enqueue(actor, case)
    bed = first.beds.order_by("pk").first()
    moved = None
    if in_bed or transfer:
        services.assign_bed(actor, admission.pk, bed.pk)
        bed = first.beds.filter(state="U").order_by("pk").first()
    if transfer:
        moved = Transfer.objects.create(admission=admission, source=first, destination=second, reason="病情",
                                        requested_at=timezone.now(), requested_by=actor,
                                        owner_path=services._common(first.owner_path, second.owner_path))
    return SimpleNamespace(facility=first, other=second, bed=bed, admission=admission, transfer=moved)
