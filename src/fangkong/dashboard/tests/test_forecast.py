"""The bed forecast: CHIME's model fitted to today's admitted cases, current case against the worst case."""

import pytest

from fangkong import analytics
from fangkong.accounts.models import Role, User
from fangkong.cases import services as cases
from fangkong.conftest import login_client
from fangkong.dashboard.services import ForecastInput, forecast
from fangkong.errors import InputRefused
from fangkong.people.models import Person
from fangkong.synthetic.seed import seed_city


@pytest.fixture
def city_with_patients(db):
    root = seed_city(4_000, seed=3)
    chief = User.objects.create(username="chief", role=Role.COMMAND, jurisdiction=root)
    for person in Person.objects.order_by("id")[:6]:
        case = cases.open_case(chief, person.pk)
        cases.transition(chief, case.pk, "confirm")
        cases.transition(chief, case.pk, "admit", hospital="金银潭医院")
    return root, chief


def test_the_forecast_is_chimes_projection_of_todays_census(city_with_patients):
    root, _ = city_with_patients
    given = ForecastInput(days=60, doubling_time=4, relative_contact_rate=0.3, hospitalization_rate=0.05,
                          length_of_stay=10, beds=20)
    result = forecast(root, given)
    expected = analytics.project(analytics.SirParameters(
        population=4_000, current_hospitalized=6, doubling_time=4, infectious_days=14, relative_contact_rate=0.3,
        mitigation_day=0, n_days=60, dispositions={"hospitalized": analytics.Disposition(0.05, 10)}))
    assert result["admitted"] == 6 and result["population"] == 4_000 and len(result["current"]["census"]) == 61
    assert result["current"]["census"][0] == round(expected.census["hospitalized"][expected.day == 0][0])
    assert result["worst"]["peak"] >= result["current"]["peak"]
    short = result["worst"]["beds_short_from"]
    assert short is not None and result["worst"]["census"][result["dates"].index(short)] > 20


def test_with_nobody_in_hospital_there_is_nothing_to_fit(db):
    root = seed_city(1_000, seed=4)
    with pytest.raises(InputRefused) as refused:
        forecast(root, ForecastInput(doubling_time=5))
    assert refused.value.problems[0].field == "admitted"


def test_the_page_projects_and_names_a_bad_field(client, city_with_patients):
    root, chief = city_with_patients
    login_client(client, chief)
    page = client.get("/forecast/", {"doubling_time": "4", "beds": "20"}).content.decode()
    assert 'data-testid="peak-worst"' in page and 'data-testid="beds-short"' in page
    page = client.get("/forecast/", {"doubling_time": "four"}).content.decode()
    assert "doubling_time" in page and 'data-testid="peak-worst"' not in page
    page = client.get("/forecast/", {"doubling_time": "4", "days": "400"}).content.decode()
    assert "days" in page and 'data-testid="peak-worst"' not in page
