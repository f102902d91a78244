"""Shared fixtures: a small tree and the three personas (inside, sibling, outside) of every access test."""

import tempfile

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from fangkong.accounts.models import Role
from fangkong.accounts.services import create_user
from fangkong.jurisdictions.models import Level
from fangkong.jurisdictions.services import add_jurisdiction
from fangkong.people.services import PersonInput, create_person

PASSWORD = "correct-horse-42"
# A valid resident ID: Wuhan, Jiang'an district, born 1990-03-07, a man (odd sequence).
VALID_ID = "420102199003071232"


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Still argon2, with the cheapest parameters: the suite hashes a password for every persona."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["fangkong.conftest.QuickArgon2PasswordHasher"]
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="fangkong-media-")  # uploaded photos stay out of ./var


@pytest.fixture
def tree(db):
    return build_tree()


def build_tree() -> dict:
    """Hubei > Wuhan > two districts; district A has two grids in one community, district B one grid."""
    province = add_jurisdiction(code="420000", name="湖北省", level=Level.PROVINCE, parent=None)
    city = add_jurisdiction(code="420100", name="武汉市", level=Level.CITY, parent=province)
    nodes = {"province": province, "city": city}
    for key, county_code, name in (("a", "420102", "江岸区"), ("b", "420103", "江汉区")):
        county = add_jurisdiction(code=county_code, name=name, level=Level.COUNTY, parent=city)
        town = add_jurisdiction(code=f"{county_code}001000", name=f"{name}一街道", level=Level.TOWNSHIP, parent=county)
        comm = add_jurisdiction(code=f"{county_code}001001", name=f"{name}幸福社区", level=Level.COMMUNITY,
                                parent=town)
        nodes[f"county_{key}"], nodes[f"town_{key}"], nodes[f"community_{key}"] = county, town, comm
        for g in (1, 2) if key == "a" else (1,):
            nodes[f"grid_{key}{g}"] = add_jurisdiction(code=f"{comm.code}{g:03d}", name=f"第{g}网格",
                                                       level=Level.GRID, parent=comm)
    return nodes


def make_user(username, role, node):
    return create_user(username=username, password=PASSWORD, role=role, jurisdiction_code=node.code)


@pytest.fixture
def grid_worker(tree):
    """The persona inside: a grid worker of grid a1."""
    return make_user("inside", Role.GRID, tree["grid_a1"])


@pytest.fixture
def sibling_worker(tree):
    """A grid worker of the neighbouring grid a2, in the same community."""
    return make_user("sibling", Role.GRID, tree["grid_a2"])


@pytest.fixture
def outsider(tree):
    """A command-centre user of the other district: powerful, but not here."""
    return make_user("outsider", Role.COMMAND, tree["county_b"])


@pytest.fixture
def commander(tree):
    return make_user("commander", Role.COMMAND, tree["city"])


@pytest.fixture
def epidemiologist(tree):
    """The district's epidemiologist (district A): opens and moves cases, judges the ledger."""
    return make_user("epidemiologist", Role.EPIDEMIOLOGIST, tree["county_a"])


@pytest.fixture
def person(grid_worker):
    return create_person(grid_worker, PersonInput(id_number=VALID_ID, name="张三", phone="13812345678",
                                                  grid_code=grid_worker.jurisdiction.code)).person


def login_client(client, user):
    client.force_login(user)
    return client


def bearer(client, user):
    """The test client calling the API with a token of `user`."""
    from fangkong.accounts.services import create_token

    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(user.username)}"
    return client


def xlsx_rows(data: bytes, sheet: str | None = None) -> list[list]:
    """The rows of a workbook's sheet (the first if none is named), read back with calamine."""
    import io

    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_name(sheet or book.sheet_names[0]).to_python()
