"""Two clerks give the same free bed to two waiting patients at the same moment: one gets it, the other is refused."""

import threading

import pytest
from django.db import connection, connections

from fangkong.care import services
from fangkong.care.models import Admission, Bed
from fangkong.errors import InputRefused
from fangkong.pathways import care as pathway
from fangkong.people.services import PersonInput, create_person
from fangkong.web.tests.conftest import OTHER_ID


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections racing need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_one_bed_given_at_once_to_two_patients_goes_to_one(opened, admitted, hospital, epidemiologist, grid_worker):
    first = Admission.objects.get(case=admitted())
    other = create_person(grid_worker, PersonInput(id_number=OTHER_ID, name="李四",
                                                   grid_code=grid_worker.jurisdiction.code))
    case = pathway.open_case(epidemiologist, other.person.pk)
    pathway.move(epidemiologist, case.pk, "confirm")
    pathway.move(epidemiologist, case.pk, "admit", hospital="江岸方舱医院")
    second = Admission.objects.get(case=case)
    bed = opened["makeshift"].beds.first()
    barrier, outcomes = threading.Barrier(2), []

    def assign(admission_id):
        try:
            barrier.wait()
            services.assign_bed(hospital, admission_id, bed.pk)
            outcomes.append("assigned")
        except InputRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(a.pk,)) for a in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["assigned", "refused"]
    assert Bed.objects.get(pk=bed.pk).state == "O"
    assert Admission.objects.filter(bed=bed).count() == 1
    assert Admission.objects.filter(state="waiting").count() == 1
