from django.db import models


class DailyCount(models.Model):
    """One counter of the roll-up (see rollup.py): how many rows of `figure` the owner holds on `day`.

    Written only by the database triggers rollup.install() creates; standing figures (open cases,
    active orders, alerts in hand) carry the day rollup.STANDING.
    """

    owner_path = models.CharField(max_length=255)
    figure = models.CharField(max_length=24)
    day = models.DateField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner_path", "figure", "day"], name="one_count_per_owner_day")]
        indexes = [
            # The dashboard reads one day (and the standing figures) over a path prefix: an index-only range scan.
            models.Index(fields=["day", "owner_path"], include=["figure", "n"], name="dailycount_day_owner",
                         opclasses=["date_ops", "varchar_pattern_ops"]),
        ]
