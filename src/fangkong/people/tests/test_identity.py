import pytest
from django.utils import translation

from fangkong.errors import InputRefused
from fangkong.people import identity

from fangkong.conftest import VALID_ID


def refusal(callable_, *args):
    with translation.override("en"), pytest.raises(InputRefused) as caught:
        callable_(*args)
    return caught.value.problems[0]


def test_it_accepts_a_valid_resident_id_and_derives_birth_date_and_sex():
    assert identity.normalise_resident_id(f" {VALID_ID.lower()} ") == VALID_ID
    birth, sex = identity.birth_date_and_sex(VALID_ID)
    assert (birth.isoformat(), sex) == ("1990-03-07", "M")


@pytest.mark.parametrize("bad, fragment", [
    (VALID_ID[:-1] + "5", "check digit"),           # checksum
    ("420102199002301237", "birth date"),             # 30 February
    ("999999199003071230", "area code"),              # no such county
    ("420102199003071", "18 characters"),             # too short
])
def test_it_refuses_a_bad_resident_id_naming_the_field(bad, fragment):
    from stdnum.cn import ric

    if len(bad) == 18:  # give the wrong ones a right check digit so only the named part is wrong
        bad = bad if fragment == "check digit" else bad[:17] + ric.calc_check_digit(bad[:17] + "0")
    problem = refusal(identity.normalise_resident_id, bad)
    assert problem.field == "id_number"
    with translation.override("en"):
        assert fragment in str(problem.message)


def test_refusals_speak_chinese_by_default():
    with pytest.raises(InputRefused) as caught:
        identity.normalise_resident_id("420102199003071")
    assert str(caught.value.problems[0].message) == "居民身份证号码为 18 位，此号码为 15 位"


def test_an_area_code_not_yet_in_use_in_the_birth_year_is_refused():
    from stdnum.cn import ric

    body = "42011719700101123"  # Xinzhou district exists only since 1998
    problem = refusal(identity.normalise_resident_id, body + ric.calc_check_digit(body + "0"))
    assert problem.field == "id_number"


@pytest.mark.parametrize("raw, expected", [("138 1234 5678", "13812345678"), ("+8613812345678", "13812345678"),
                                           ("027-85551234", "02785551234")])
def test_it_normalises_phones(raw, expected):
    assert identity.normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "2381234567", "1381234567a"])
def test_it_refuses_a_malformed_phone(raw):
    assert refusal(identity.normalise_phone, raw).field == "phone"


def test_masks_keep_only_what_identifies_a_record_to_its_holder():
    assert identity.mask_id_number(VALID_ID) == "420***********1232"
    assert identity.mask_phone("13812345678") == "138****5678"
    assert identity.mask_address("幸福路12号3栋502室") == "幸福路**号*栋***室"


@pytest.mark.parametrize("name, expected", [("张三", ("zhangsan", "zs")), ("曾小明", ("zengxiaoming", "zxm")),
                                            ("单田芳", ("shantianfang", "stf")), ("John Smith", ("johnsmith", "js"))])
def test_names_are_searchable_by_pinyin_with_surname_readings(name, expected):
    from fangkong.people.names import name_pinyin

    assert name_pinyin(name) == expected
