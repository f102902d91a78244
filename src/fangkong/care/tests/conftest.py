import pytest

from fangkong.accounts.models import Role
from fangkong.care import services
from fangkong.cases import services as cases
from fangkong.conftest import make_user
from fangkong.pathways import care as pathway


@pytest.fixture
def hospital(tree):
    """District A's hospital staff: its beds, its admissions."""
    return make_user("ward-nurse", Role.HOSPITAL, tree["county_a"])


@pytest.fixture
def opened(commander, tree):
    """A makeshift hospital (10 beds) and a designated hospital (4 ICU beds) of district A, activated and open."""
    def make(code, name, kind, ward, bed_kind, n):
        f = services.add_facility(commander, code=code, name=name, kind=kind, jurisdiction_code=tree["town_a"].code)
        services.activate(commander, [f.pk])
        services.step_facility(commander, f.pk, "open")
        services.add_beds(commander, f.pk, ward=ward, kind=bed_kind, count=n)
        return f
    return {"makeshift": make("FC-1", "江岸方舱医院", "makeshift", "A区", "general", 10),
            "designated": make("DH-1", "金银潭医院", "designated", "ICU一病区", "icu", 4)}


@pytest.fixture
def admitted(person, epidemiologist):
    """Admit a case of the person (mild → makeshift tier, unless severity says more) through the pathway."""
    def admit(severity=None):
        case = pathway.open_case(epidemiologist, person.pk)
        pathway.move(epidemiologist, case.pk, "confirm")
        if severity:
            cases.set_severity(epidemiologist, case.pk, severity)
        return pathway.move(epidemiologist, case.pk, "admit", hospital="江岸方舱医院")
    return admit
