"""The words people use for a choice (高铁, 自驾车, 返乡人员 …) are accepted the same way from the form, the API and
an Excel sheet, because each choice's words are defined once, next to it (screening/models.py)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.services import create_token
from fangkong.conftest import VALID_ID, login_client
from fangkong.imports import services as imports
from fangkong.imports.tests.workbooks import arrival_row, workbook
from fangkong.screening.models import ARRIVAL_CATEGORIES, TRAVEL_MODES, Arrival


@pytest.mark.parametrize("word, value", [("高铁", "train"), ("动车", "train"), ("火车", "train"), ("飞机", "flight"),
                                         ("航班", "flight"), ("自驾车", "car"), ("自驾", "car"), ("train", "train"),
                                         (" Flight ", "flight")])
def test_each_travel_mode_has_the_words_people_use(word, value):
    assert TRAVEL_MODES.value(word) == value


def test_a_word_that_means_no_choice_means_none():
    assert TRAVEL_MODES.value("骑马") is None and ARRIVAL_CATEGORIES.value("") is None
    assert ARRIVAL_CATEGORIES.value("返乡人员") == ARRIVAL_CATEGORIES.value("返乡居民") == "resident"


def _arrived():
    return (timezone.localtime() - dt.timedelta(hours=2)).replace(tzinfo=None)


def test_the_form_takes_the_words(client, grid_worker):
    login_client(client, grid_worker)
    client.post(reverse("arrival-register"), {
        "name": "张三", "id_number": VALID_ID, "grid_code": grid_worker.jurisdiction.code, "origin_code": "110105",
        "arrived_at": _arrived().strftime("%Y-%m-%dT%H:%M"), "mode": "高铁", "vehicle": "G1234",
        "category": "返乡人员"})
    assert Arrival.objects.values_list("mode", "category").get() == ("train", "resident")


def test_the_api_takes_the_words(client, grid_worker):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(grid_worker.username)}"
    response = client.post("/api/v1/arrivals", {
        "id_number": VALID_ID, "name": "张三", "grid_code": grid_worker.jurisdiction.code, "origin_code": "110105",
        "arrived_at": timezone.make_aware(_arrived()).isoformat(), "mode": "飞机", "vehicle": "CA1234",
        "category": "返校学生"}, content_type="application/json")
    assert response.status_code == 201
    assert (response.json()["mode"], response.json()["category"]) == ("flight", "student")


def test_the_sheet_takes_the_words(grid_worker):
    data = workbook([arrival_row(grid_worker.jurisdiction.code, mode="自驾车", vehicle="鄂A12345",
                                 category="返乡人员")])
    job, _created = imports.upload(grid_worker, "arrivals", "登记表.xlsx", data)
    job = imports.run_to_end(imports.run_to_end(job), import_valid=True)
    assert Arrival.objects.values_list("mode", "category").get() == ("car", "resident")
