import pytest

from fangkong.accounts.models import Role
from fangkong.conftest import make_user
from fangkong.supplies import services


@pytest.fixture(autouse=True)
def catalogue(db):
    """The migration's catalogue, again: a test that flushed the database (live server, two connections) took it."""
    services.load_catalogue()


@pytest.fixture
def officer(tree):
    """The city's logistics officer."""
    return make_user("officer", Role.LOGISTICS, tree["city"])


@pytest.fixture
def county_officer(tree):
    """District B's logistics officer: not district A's."""
    return make_user("county-officer", Role.LOGISTICS, tree["county_b"])


@pytest.fixture
def stores(officer, tree):
    """The city warehouse and two county stores of district A and B, and a hospital store in district A."""
    add = services.add_store
    return {
        "city": add(officer, code="WH-420100", name="市应急物资储备库", kind="city_warehouse",
                    jurisdiction_code=tree["city"].code),
        "a": add(officer, code="CO-420102", name="江岸区物资库", kind="county",
                 jurisdiction_code=tree["county_a"].code),
        "b": add(officer, code="CO-420103", name="江汉区物资库", kind="county",
                 jurisdiction_code=tree["county_b"].code),
        "hospital": add(officer, code="HO-420102-1", name="江岸定点医院", kind="hospital",
                        jurisdiction_code=tree["town_a"].code),
    }


def receive(actor, store, item, quantity):
    return services.record_stock(actor, store.pk, services.StockEntry("receive", item, quantity))
