"""Doses for the synthetic city, written in bulk as the immunisation system would have them: most people vaccinated,
the oldest less often, in dose order over 2021-2022; then the grid coverage rows rebuilt from them."""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection, transaction
from django.utils import timezone

from fangkong import bulk
from fangkong.people.models import Person
from fangkong.vaccination.models import PRIMARY_DOSES, Dose, DoseNumber
from fangkong.vaccination.services import age_on, refresh_coverage

DOSE_COLUMNS = ["id", "person_id", "grid_id", "jurisdiction_path", "product", "dose", "given_on", "site",
                "recorded_at"]
# Share of each age with a first dose, then of those with one the share going on to each next dose.
FIRST_BY_AGE = ((80, 0.62), (60, 0.86), (3, 0.93), (0, 0.0))
NEXT = {DoseNumber.SECOND: 0.95, DoseNumber.BOOSTER: 0.72, DoseNumber.SECOND_BOOSTER: 0.12}
START = dt.date(2021, 3, 1)
FLUSH = 50_000


def seed_doses(rng: random.Random, day: dt.date | None = None) -> int:
    """Doses for every person of the database; returns how many were written."""
    day = day or timezone.localdate()
    products = sorted(PRIMARY_DOSES)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    dose_id, rows, written = bulk.next_id(Dose), [], 0
    people = Person.objects.order_by("id").values_list("id", "grid_id", "jurisdiction_path", "birth_date")
    with transaction.atomic():
        for person_id, grid_id, path, birth in people.iterator(chunk_size=20_000):
            age = age_on(birth, day)
            if rng.random() >= next(share for low, share in FIRST_BY_AGE if age >= low):
                continue
            product = rng.choice(products)
            given = START + dt.timedelta(days=rng.randrange(200))
            numbers = [DoseNumber.FIRST]
            following = [DoseNumber.BOOSTER, DoseNumber.SECOND_BOOSTER]
            if PRIMARY_DOSES[product] == 2:
                following.insert(0, DoseNumber.SECOND)
            for number in following:
                if rng.random() >= NEXT[number]:
                    break
                numbers.append(number)
            for number in numbers:
                if given > day:
                    break
                rows.append((dose_id, person_id, grid_id, path, product, int(number), given.isoformat(),
                             "社区卫生服务中心接种点", now))
                dose_id += 1
                given += dt.timedelta(days=rng.randint(21, 200))
            if len(rows) >= FLUSH:
                bulk.write_rows(Dose, DOSE_COLUMNS, rows)
                written += len(rows)
                rows.clear()
        bulk.write_rows(Dose, DOSE_COLUMNS, rows)
        written += len(rows)
        bulk.reset_sequences(Dose)
    refresh_coverage(day)
    return written
