"""A masked ID number, with everything shown beside it, cannot be turned back into the number."""

import datetime as dt

from fangkong.accounts.models import Role
from fangkong.conftest import VALID_ID, bearer, make_user
from fangkong.errors import InputRefused
from fangkong.people import identity

WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]


def _accepted(number: str) -> bool:
    try:
        identity.normalise_resident_id(number)
        return True
    except (InputRefused, KeyError):  # KeyError: stdnum on a province or city code, in some versions
        return False


def _check_digit(weighted_sum: int) -> str:
    return "0123456789X"[(12 - weighted_sum % 11) % 11]


def candidates(masked: str, birth_date: dt.date | None, sex: str) -> int:
    """How many resident IDs the product accepts fit a mask of first three and last four characters and the fields
    shown beside it. The check digit is a weighted sum mod 11, so the count goes residue by residue: the birth
    dates still possible (all of 1920-2020 when none is shown), for every area code accepted in that year. It may
    undercount (areas are first sampled by decade), never overcount."""
    head, tail = masked[:3], masked[14:]
    assert len(masked) == 18 and masked[3:14] == "*" * 11
    assert ("M" if int(tail[2]) % 2 else "F") == sex  # the sex shown is already in the last four
    first, last = (birth_date, birth_date) if birth_date else (dt.date(1920, 1, 1), dt.date(2020, 12, 31))
    dates: dict[int, list[int]] = {}  # year -> number of dates per residue of their weighted digits
    for n in range((last - first).days + 1):
        digits = (first + dt.timedelta(days=n)).strftime("%Y%m%d")
        dates.setdefault(int(digits[:4]), [0] * 11)[sum(w * int(d) for w, d in zip(WEIGHTS[6:14], digits)) % 11] += 1
    def accepted_in(area: str, year: int) -> bool:
        body = f"{area}{year}0101{tail[:3]}"
        return _accepted(body + _check_digit(sum(w * int(d) for w, d in zip(WEIGHTS, body))))

    sampled = sorted(dates)[::10] + [max(dates)]  # an area accepted in none of these years is left out: fewer
    areas = [a for a in (f"{head}{n:03d}" for n in range(1000)) if any(accepted_in(a, y) for y in sampled)]
    total = 0
    for area in areas:
        for year, by_residue in dates.items():
            if not accepted_in(area, year):
                continue
            area_sum = sum(w * int(d) for w, d in zip(WEIGHTS[:6], area)) + sum(
                w * int(d) for w, d in zip(WEIGHTS[14:], tail[:3]))
            total += sum(count for residue, count in enumerate(by_residue)
                         if _check_digit(area_sum + residue) == tail[3])
    return total


def test_the_birth_date_beside_the_mask_left_a_handful_of_numbers(person):
    """The count above, checked against brute force for the card as it was (birth date in clear)."""
    masked = identity.mask_id_number(person.id_number)
    brute = 0
    for suffix in range(1000):
        brute += _accepted(f"{masked[:3]}{suffix:03d}{person.birth_date:%Y%m%d}{masked[14:]}")
    assert 1 <= brute <= 12 and candidates(masked, person.birth_date, person.sex) == brute


def test_a_masked_card_leaves_many_numbers_possible(client, person, grid_worker):
    card = bearer(client, grid_worker).get(f"/api/v1/persons/{person.pk}").json()
    assert card["id_masked"] and card["birth_date"] is None
    assert candidates(card["id_number"], None, card["sex"]) >= 1000


def test_a_card_in_clear_shows_the_birth_date(client, person, tree):
    bearer(client, make_user("epi", Role.EPIDEMIOLOGIST, tree["county_a"]))
    card = client.get(f"/api/v1/persons/{person.pk}").json()
    assert (card["id_number"], card["birth_date"]) == (VALID_ID, "1990-03-07")
    assert client.get("/api/v1/persons/", {"q": VALID_ID}).json()["count"] == 1


def test_a_role_that_sees_masked_ids_may_not_search_or_filter_by_them(client, person, grid_worker):
    bearer(client, grid_worker)
    for query in (VALID_ID, "E1234567"):
        refused = client.get("/api/v1/persons/", {"q": query})
        assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "q"
    refused = client.get("/api/v1/persons/", {"born_after": "1990-03-01"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "born_after"
    assert client.get("/api/v1/persons/", {"q": "zhangsan"}).json()["count"] == 1
    client.force_login(grid_worker)
    page = client.get("/persons/", {"q": VALID_ID}).content.decode()
    assert f"/persons/{person.pk}/" not in page and 'role="alert"' in page


def test_an_export_for_a_masked_role_withholds_the_birth_date(client, person, grid_worker, tree):
    client.force_login(grid_worker)
    body = b"".join(client.get(f"/j/{tree['grid_a1'].code}/persons.csv").streaming_content).decode("utf-8-sig")
    assert "420***********1232" in body and "1990-03-07" not in body


def test_a_passport_mask_hides_more_than_it_shows():
    assert identity.mask_id_number("E1234567") == "******67"
    assert identity.mask_id_number("E1234") == "*****"
