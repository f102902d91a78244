"""The headers every response carries: the Content-Security-Policy, no framing, no sniffing, the referrer kept
in-house, and no caching of anything that may carry personal data."""

import urllib.request

import pytest

from fangkong.accounts.services import create_token
from fangkong.conftest import PASSWORD


def test_every_page_carries_the_policy_and_refuses_framing(client, db):
    response = client.get("/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_public_page_may_be_cached_and_a_logged_in_one_may_not(client, grid_worker):
    assert "no-store" not in client.get("/risk-areas/").headers.get("Cache-Control", "")
    client.post("/login/", {"username": "inside", "password": PASSWORD})
    for path in ("/risk-areas/", f"/j/{grid_worker.jurisdiction.code}/", "/exports/arrivals.csv"):
        assert "no-store" in client.get(path).headers["Cache-Control"], path


@pytest.mark.parametrize("authorised", [True, False], ids=["with a token", "without"])
def test_no_api_response_is_cached(client, grid_worker, authorised):
    headers = {"Authorization": f"Bearer {create_token('inside')}"} if authorised else {}
    response = client.get(f"/api/v1/jurisdictions/{grid_worker.jurisdiction.code}", headers=headers)
    assert response.status_code == (200 if authorised else 401)
    assert "no-store" in response.headers["Cache-Control"]


def test_static_files_are_cached_as_usual(live_server):
    with urllib.request.urlopen(f"{live_server.url}/static/fangkong/app.js") as response:
        assert "no-store" not in (response.headers.get("Cache-Control") or "")
