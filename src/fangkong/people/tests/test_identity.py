import datetime as dt

import pytest
from django.utils import timezone, translation
from stdnum.cn import ric

from fangkong.conftest import VALID_ID
from fangkong.errors import InputRefused
from fangkong.people import identity


def refusal(callable_, *args):
    with translation.override("en"), pytest.raises(InputRefused) as caught:
        callable_(*args)
    return caught.value.problems[0]


def test_it_accepts_a_valid_resident_id_and_derives_birth_date_and_sex():
    assert identity.normalise_resident_id(f" {VALID_ID.lower()} ") == VALID_ID
    birth, sex = identity.birth_date_and_sex(VALID_ID)
    assert (birth.isoformat(), sex) == ("1990-03-07", "M")


def with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


# Real shapes the rule "the area code was in use in the birth year" (python-stdnum's) refused. The area code is
# the one of the office that gave out the number, when it gave it out, and stays when the code is abolished.
@pytest.mark.parametrize("body, why", [
    ("42010219750315201", "江岸区 420102 exists since 1983 (the city was one code 420120 before): a card of 1985"),
    ("42011719700416123", "新洲区 420117 exists since 1998 (新洲县 420124 before): a number given after 1998"),
    ("41272319650722002", "商水县 412723 was abolished in 2000 (now 411623) and stays on the cards given before"),
    ("51012220160305004", "双流县 510122 became 双流区 510116 in 2015; the office kept the old code a while"),
    ("42010619360128002", "武昌区 420106 (since 1983), a man born in 1936"),
    ("11010519480909004", "朝阳区 110105, in use since before 1980, a woman born in 1948"),
    ("33010619620101003", "西湖区 330106 (since 1983), born in 1962"),
])
def test_real_ids_with_codes_newer_than_the_birth_or_abolished_since_are_accepted(body, why):
    number = with_check_digit(body)
    assert identity.normalise_resident_id(number) == number, why
    assert identity.birth_date_and_sex(number)[0].isoformat() == f"{body[6:10]}-{body[10:12]}-{body[12:14]}"


def test_a_number_with_an_x_check_digit_is_accepted_in_either_case():
    number = with_check_digit("42011719700416003")
    assert number.endswith("X")
    assert identity.normalise_resident_id(number.lower()) == number


def born(date: dt.date) -> str:
    return with_check_digit(f"420102{date:%Y%m%d}001")


@pytest.mark.parametrize("bad, message", [
    (with_check_digit("42010819750315201"),  # Wuhan never had a 420108
     "the area code 420108 in this resident ID has never been an administrative division code"),
    (with_check_digit("99999919900307123"), "the area code 999999 in this resident ID has never been"),
    (with_check_digit("42010219750231201"), "the birth date 19750231 in this resident ID does not exist"),
    (with_check_digit("42010219750230201"), "the birth date 19750230 in this resident ID does not exist"),
    (with_check_digit("42010219751301201"), "the birth date 19751301 in this resident ID does not exist"),
    (with_check_digit("42011719700416003")[:-1] + "0", "the check digit of this resident ID should be X"),
    (VALID_ID[:-1] + "5", "the check digit of this resident ID should be 2"),
    ("420102199003071", "a resident ID has 18 characters, this has 15"),
    ("42010219900307123A", "a resident ID is 17 digits and a digit or X"),
])
def test_each_kind_of_bad_resident_id_is_named(bad, message):
    problem = refusal(identity.normalise_resident_id, bad)
    assert problem.field == "id_number"
    with translation.override("en"):
        assert str(problem.message).startswith(message)


def test_a_birth_date_in_the_future_or_beyond_a_human_life_is_refused():
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    assert str(refusal(identity.normalise_resident_id, born(tomorrow)).message) == (
        f"the birth date {tomorrow:%Y%m%d} in this resident ID is in the future")
    assert identity.normalise_resident_id(born(today)) == born(today)  # a newborn registered today
    too_old = dt.date(today.year - 131, 12, 31)
    assert str(refusal(identity.normalise_resident_id, born(too_old)).message) == (
        f"the birth date {too_old:%Y%m%d} in this resident ID is more than 130 years ago")
    oldest = dt.date(today.year - 129, 1, 1)
    assert identity.normalise_resident_id(born(oldest)) == born(oldest)


def test_refusals_speak_chinese_by_default():
    with pytest.raises(InputRefused) as caught:
        identity.normalise_resident_id("420102199003071")
    assert str(caught.value.problems[0].message) == "居民身份证号码为 18 位，此号码为 15 位"
    with pytest.raises(InputRefused) as caught:
        identity.normalise_resident_id(with_check_digit("42010219750231201"))
    assert str(caught.value.problems[0].message) == "身份证号码中的出生日期 19750231 不存在"


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
