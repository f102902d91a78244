import datetime as dt

import pytest

from fangkong.accounts.models import Role
from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import VALID_ID, make_user
from fangkong.errors import Conflict, InputRefused
from fangkong.people import crypto
from fangkong.people.models import Person, Registration
from fangkong.people.services import PersonInput, create_person, register_from_source

OTHER_ID = "420102198501011211"


def test_a_person_is_stored_encrypted_with_a_lookup_hash(person):
    raw = Person.objects.values("id_number_cipher", "phone_cipher", "name_pinyin", "name_initials").get(pk=person.pk)
    assert VALID_ID.encode() not in bytes(raw["id_number_cipher"])
    assert b"13812345678" not in bytes(raw["phone_cipher"])
    assert crypto.decrypt(raw["id_number_cipher"]) == VALID_ID
    assert (raw["name_pinyin"], raw["name_initials"]) == ("zhangsan", "zs")
    assert person.birth_date == dt.date(1990, 3, 7) and person.sex == "M"


def test_a_second_record_for_the_same_id_is_refused_and_nothing_is_written(person, grid_worker):
    with pytest.raises(Conflict) as caught:
        create_person(grid_worker, PersonInput(id_number=VALID_ID.lower(), name="李四",
                                               grid_code=grid_worker.jurisdiction.code))
    assert caught.value.problems[0].field == "id_number"
    assert Person.objects.count() == 1


def test_every_bad_field_is_named_at_once_and_nothing_is_written(grid_worker):
    before = AuditEvent.objects.count()
    with pytest.raises(InputRefused) as caught:
        create_person(grid_worker, PersonInput(id_number=VALID_ID[:-1] + "0", name="", phone="123",
                                               grid_code="999999999999999"))
    assert {p.field for p in caught.value.problems} == {"id_number", "name", "phone", "grid_code"}
    assert Person.objects.count() == 0 and AuditEvent.objects.count() == before


def test_a_grid_outside_the_users_subtree_is_an_unknown_code(sibling_worker, tree):
    with pytest.raises(InputRefused) as caught:
        create_person(sibling_worker, PersonInput(id_number=VALID_ID, name="张三", grid_code=tree["grid_a1"].code))
    assert caught.value.problems[0].field == "grid_code"


def test_a_passport_holder_needs_nationality_sex_and_birth_date(grid_worker):
    with pytest.raises(InputRefused) as caught:
        create_person(grid_worker, PersonInput(id_type="passport", id_number="E1234567", nationality="us",
                                               name="John Smith", grid_code=grid_worker.jurisdiction.code))
    assert {p.field for p in caught.value.problems} == {"nationality", "sex", "birth_date"}
    person = create_person(grid_worker, PersonInput(
        id_type="passport", id_number="e1234567", nationality="usa", name="John Smith", sex="M",
        birth_date=dt.date(1980, 1, 2), grid_code=grid_worker.jurisdiction.code)).person
    assert (person.id_number, person.nationality) == ("E1234567", "USA")


def test_registrations_from_several_sources_merge_onto_one_person(person, grid_worker):
    data = PersonInput(id_number=VALID_ID, name="张三", phone="13900000000", grid_code=grid_worker.jurisdiction.code)
    merged, created, own, _typed, _repeat = register_from_source(grid_worker, data, source="checkpoint",
                                                                 source_ref="cp-1")
    assert merged.pk == person.pk and own and not created
    merged.refresh_from_db()
    assert merged.phone == "13900000000"
    assert Person.objects.count() == 1
    assert set(Registration.objects.values_list("source", flat=True)) == {"grid", "checkpoint"}


def test_a_registration_repeated_by_a_flaky_phone_counts_once(grid_worker):
    data = PersonInput(id_number=VALID_ID, name="张三", grid_code=grid_worker.jurisdiction.code)
    first = register_from_source(grid_worker, data, source="arrival", source_ref="phone-abc")
    again = register_from_source(grid_worker, data, source="arrival", source_ref="phone-abc")
    assert (first.created, first.repeat, again.repeat) == (True, False, True) and first.person.pk == again.person.pk
    assert Registration.objects.count() == 1
    assert AuditEvent.objects.filter(action=Action.REGISTER_PERSON).count() == 1


def test_a_reference_is_its_senders_two_senders_with_one_reference_each_register_their_own(grid_worker, tree):
    colleague = make_user("colleague", Role.GRID, tree["grid_a1"])
    grid = grid_worker.jurisdiction.code
    mine = register_from_source(grid_worker, PersonInput(id_number=VALID_ID, name="张三", grid_code=grid),
                                source="api", source_ref="visit-1")
    theirs = register_from_source(colleague, PersonInput(id_number=OTHER_ID, name="李四", grid_code=grid),
                                  source="api", source_ref="visit-1")
    assert (mine.created, theirs.created, theirs.repeat) == (True, True, False)
    assert mine.person.pk != theirs.person.pk and theirs.person.name == "李四"
    assert Registration.objects.filter(source_ref="visit-1").count() == 2
