import pytest

from fangkong.cases import services as cases
from fangkong.quarantine import services as quarantine


@pytest.fixture
def outbreak(grid_worker, person):
    """Today: a person placed under home observation, then found to be a confirmed case."""
    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    case = cases.open_case(grid_worker, person.pk)
    cases.transition(grid_worker, case.pk, "confirm")
    return case
