"""A small supplies world inside one jurisdiction, for the sweeps that call every route (persona sweep, audit)."""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from fangkong.supplies import services

MASK, GLOVES = "medical-protective-mask", "gloves"


def seed_supplies(actor, node, prefix: str = "IN") -> SimpleNamespace:
    """Two stores under `node`: the first holds masks and gloves; the second asked for both (approved), one
    allocation of masks made, one request waiting for approval, one shipment on its way, one order expected."""
    services.load_catalogue()  # a test that flushed the database took the migration's catalogue with it
    source = services.add_store(actor, code=f"{prefix}-STORE-1", name="内物资库", kind="site",
                                jurisdiction_code=node.code)
    unit = services.add_store(actor, code=f"{prefix}-STORE-2", name="内物资库二", kind="hospital",
                              jurisdiction_code=node.code)
    for item in (MASK, GLOVES):
        services.record_stock(actor, source.pk, services.StockEntry("receive", item, 200))
    day = timezone.localdate() + dt.timedelta(days=2)

    def ask(item, posts=("fever-clinic",)):
        return services.submit_request(actor, unit.pk, services.RequestInput(item=item, need=50, need_by=day,
                                                                             posts=posts))
    for item in (MASK, GLOVES):
        services.decide_request(actor, ask(item).pk, "approve")
    run = services.allocate_item(actor, source.pk, MASK)
    waiting = ask(MASK, ("ordinary-ward",))
    shipment = services.dispatch(actor, source_id=source.pk, destination_id=unit.pk, item=GLOVES, quantity=5)
    order = services.place_order(actor, store_id=source.pk, item=MASK, quantity=100, supplier="供应商",
                                 expected_on=day)
    return SimpleNamespace(source=source, unit=unit, run=run, waiting=waiting, shipment=shipment, order=order,
                           day=day)
