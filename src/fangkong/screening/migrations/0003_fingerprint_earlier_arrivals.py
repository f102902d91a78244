from django.db import migrations

from fangkong.screening.models import arrival_fingerprint


def fingerprint_earlier_arrivals(apps, schema_editor):
    """Arrivals registered before fingerprints existed get theirs, so a later import or form counts them once.
    Where the register already held the same arrival twice, the first keeps the fingerprint."""
    Arrival = apps.get_model("screening", "Arrival")
    taken = set(Arrival.objects.exclude(fingerprint=None).values_list("fingerprint", flat=True))
    pending = []
    for arrival in Arrival.objects.filter(fingerprint=None).select_related("person").order_by("id").iterator(2000):
        value = arrival_fingerprint(arrival.person.id_number_hash, arrival.arrived_at, arrival.origin_code)
        if value not in taken:
            taken.add(value)
            arrival.fingerprint = value
            pending.append(arrival)
    Arrival.objects.bulk_update(pending, ["fingerprint"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("screening", "0002_arrival_fingerprint"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(fingerprint_earlier_arrivals, migrations.RunPython.noop)]
