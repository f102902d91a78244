"""Rows built column by column with numpy (ByteStrings, bulk.write_columns) read back as Python would write them."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from fangkong import bulk
from fangkong.bytestrings import ByteStrings
from fangkong.jurisdictions.models import Household, Jurisdiction, Level
from fangkong.people import crypto
from fangkong.people.models import Person


def test_decimal_digits_are_pythons_at_every_width_and_power_of_ten():
    values = np.array([0, 1, 9, 10, 99, 100, 999, 1_000, 12_345, 10**15 - 1, 10**15, 42011619900307123])
    assert ByteStrings.decimal(values).tolist() == [str(v) for v in values]
    assert ByteStrings.decimal(values, 4).tolist() == [f"{v:04d}" for v in values]
    with pytest.raises(ValueError, match="negative"):
        ByteStrings.decimal(np.array([3, -1]))


def test_take_join_and_spread_give_the_strings_python_would():
    words = ByteStrings.of(["王", "欧阳", ""])
    picked = words.take(np.array([1, 0, 2, 1]))
    assert picked.tolist() == ["欧阳", "王", "", "欧阳"]
    joined = ByteStrings.join(picked, ByteStrings.constant("路", 4), ByteStrings.decimal(np.array([5, 50, 500, 7]), 2))
    assert joined.tolist() == ["欧阳路05", "王路50", "路500", "欧阳路07"]
    assert ByteStrings.of(["ab", "cd"]).spread(np.array([False, True, False, True])).tolist() == ["", "ab", "", "cd"]
    with pytest.raises(ValueError, match="different counts"):
        ByteStrings.join(words, picked)
    with pytest.raises(ValueError, match="3 bytes"):
        picked.rows(3)


def test_batch_ciphers_and_hashes_of_fixed_width_rows_equal_the_one_value_forms(settings):
    cipher = crypto.FieldCipher()
    ids = ["420102199003071232", "42010219900307124X"]
    rows = ByteStrings.of(ids).rows(18)
    hashes = ByteStrings.fixed(cipher.lookup_hash_rows("ric", rows)).tolist()
    assert hashes == [crypto.lookup_hash("ric", v) for v in ids]
    tokens = ByteStrings.fixed(cipher.encrypt_rows(rows)).tobytes()
    assert [crypto.decrypt(t) for t in tokens] == ids


def test_columns_written_in_one_batch_read_back_as_given_with_their_nulls(db):
    grid = Jurisdiction.objects.create(code="420102001001001", name="一网格", level=Level.GRID, path="p/", depth=5)
    first = bulk.next_id(Household)
    bulk.write_columns(Household, {"id": first + np.arange(2), "code": ByteStrings.of(["H1", "H2"]), "grid_id": grid.pk,
                                   "address": ByteStrings.of(["武汉市江岸区一路1号", "二路2号"])})
    now = timezone.now()
    cipher = crypto.FieldCipher()
    phones = ByteStrings.of(["13800000001"]).rows(11)
    has_phone = np.array([False, True])
    bulk.write_columns(Person, {
        "id": bulk.next_id(Person) + np.arange(2), "id_type": "ric", "nationality": "CHN",
        "id_number_cipher": ByteStrings.fixed(cipher.encrypt_rows(ByteStrings.of(["A" * 18, "B" * 18]).rows(18))),
        "id_number_hash": ByteStrings.of(["h1", "h2"]),
        "phone_cipher": ByteStrings.fixed(cipher.encrypt_rows(phones)).spread(has_phone),
        "phone_hash": ByteStrings.fixed(cipher.lookup_hash_rows("phone", phones)).spread(has_phone),
        "name": ByteStrings.of(["张三", "李四"]), "name_pinyin": ByteStrings.of(["zhangsan", "lisi"]),
        "name_initials": ByteStrings.of(["zs", "ls"]), "sex": ByteStrings.of(["M", "F"]),
        "birth_date": np.array(["1990-03-07", "2001-12-31"], dtype="datetime64[D]"), "grid_id": grid.pk,
        "household_id": first + np.arange(2), "jurisdiction_path": grid.path, "created_at": now, "updated_at": now,
    }, nulls={"phone_cipher": ~has_phone})
    bulk.reset_sequences(Household, Person)
    stored = list(Person.objects.order_by("id").select_related("household"))
    assert [(p.name, p.name_pinyin, p.sex, p.birth_date, p.household.code, p.household.address, p.jurisdiction_path)
            for p in stored] == [("张三", "zhangsan", "M", dt.date(1990, 3, 7), "H1", "武汉市江岸区一路1号", "p/"),
                                 ("李四", "lisi", "F", dt.date(2001, 12, 31), "H2", "二路2号", "p/")]
    assert [p.id_number for p in stored] == ["A" * 18, "B" * 18]
    assert stored[0].phone_cipher is None and stored[0].phone_hash == ""
    assert stored[1].phone == "13800000001" and stored[1].phone_hash == crypto.lookup_hash("phone", "13800000001")
    assert {p.created_at for p in stored} == {now}
