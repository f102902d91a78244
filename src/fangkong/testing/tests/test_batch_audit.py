"""A batch written in the database (PostgreSQL: staged, INSERT ... SELECT, UPDATE ... FROM) leaves the same audit
rows as the same batch written row by row (SQLite): one per tube, in the format `audit.changes` gives."""

from decimal import Decimal

from fangkong.audit import services as audit
from fangkong.audit.models import Action, AuditEvent
from fangkong.pathways import testing as pathway
from fangkong.testing import campaigns, services
from fangkong.testing.models import Sample, SampleMember, SampleStatus
from fangkong.testing.services import ResultInput

from .test_bad_input import people, point  # noqa: F401  (fixtures)
from .test_campaign import city, staff  # noqa: F401  (fixtures)


def _rows(action, **filters):
    return {(event.details["id"], event.person_id): event for event in AuditEvent.objects.filter(action=action,
                                                                                               **filters)}


def test_ingested_received_and_resulted_tubes_are_audited_one_row_each_in_the_audit_format(staff, point):  # noqa: F811
    ids = [p.pk for p in people(5)]
    before = AuditEvent.objects.count()
    outcomes = campaigns.ingest_tubes(staff["sampler"], point.pk, [
        campaigns.TubeEntry("AUD-1", ids[:3]), campaigns.TubeEntry("AUD-2", ids[3:4]),
        campaigns.TubeEntry("AUD-3", [ids[4], 999_999_999])])
    one, two = Sample.objects.get(code="AUD-1"), Sample.objects.get(code="AUD-2")
    assert [o.record for o in outcomes[:2]] == [services.Tube(one.pk, "AUD-1"), services.Tube(two.pk, "AUD-2")]
    assert outcomes[2].refused and not Sample.objects.filter(code="AUD-3").exists()
    assert SampleMember.objects.filter(sample=one).count() == 3 and one.status == SampleStatus.SEALED
    ingested = _rows(Action.SAMPLE_CHANGE, pk__gt=0, details__changes__code__isnull=False)
    assert {key: event.details for key, event in ingested.items()} == {
        (one.pk, None): audit.changes(one, {}, {"code": "AUD-1", "status": "sealed", "people": 3}),
        (two.pk, None): audit.changes(two, {}, {"code": "AUD-2", "status": "sealed", "people": 1})}
    assert {(e.actor, e.actor_name) for e in ingested.values()} == {(staff["sampler"], staff["sampler"].username)}

    services.receive_tubes(staff["lab"], ["AUD-1", "aud-2", "AUD-1"])
    one.refresh_from_db()
    received = _rows(Action.SAMPLE_CHANGE, details__changes__received_at__isnull=False)
    assert {key: event.details for key, event in received.items()} == {
        (sample.pk, None): audit.changes(sample, {"status": "sealed"}, {"status": "received",
                                                                         "received_at": one.received_at})
        for sample in (one, two)}

    pathway.record_results(staff["lab"], [ResultInput("AUD-1", "negative"), ResultInput("AUD-2", "positive", "31.25")])
    resulted = _rows(Action.TEST_RESULT, details__changes__outcome__isnull=False)
    one.refresh_from_db()
    two.refresh_from_db()
    assert two.ct == Decimal("31.2")  # quantised to the column's one decimal
    assert {key: event.details for key, event in resulted.items()} == {
        (one.pk, None): audit.changes(one, {"status": "received"}, {
            "status": "resulted", "outcome": "negative", "ct": None, "resulted_at": one.resulted_at}),
        (two.pk, None): audit.changes(two, {"status": "received"}, {  # a pool's row names no one person
            "status": "resulted", "outcome": "positive", "ct": two.ct, "resulted_at": two.resulted_at})}
    assert AuditEvent.objects.count() > before + 6
