import pytest

from fangkong.cases import services as cases
from fangkong.quarantine import services as quarantine


@pytest.fixture
def outbreak(epidemiologist, person):
    """Today: a person placed under home observation, then found to be a confirmed case."""
    quarantine.place_order(epidemiologist, person.pk, kind="home", reason="close_contact")
    case = cases.open_case(epidemiologist, person.pk)
    cases.transition(epidemiologist, case.pk, "confirm")
    return case
