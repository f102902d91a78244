from django.db import migrations, models


def copy_from_people(apps, schema_editor):
    """Arrivals entered before the register kept its own name and phone take their person's."""
    Arrival = apps.get_model("screening", "Arrival")
    pending = []
    for arrival in Arrival.objects.select_related("person").order_by("id").iterator(2000):
        arrival.name, arrival.phone_cipher = arrival.person.name, arrival.person.phone_cipher
        pending.append(arrival)
    Arrival.objects.bulk_update(pending, ["name", "phone_cipher"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("screening", "0004_remove_arrival_idempotency_key"),
    ]

    operations = [
        migrations.AddField("arrival", "name", models.CharField(blank=True, max_length=50, verbose_name="name")),
        migrations.AddField("arrival", "phone_cipher", models.BinaryField(blank=True, editable=False, null=True)),
        migrations.RunPython(copy_from_people, migrations.RunPython.noop),
    ]
