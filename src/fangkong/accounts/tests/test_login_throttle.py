"""Login throttling: per client address and per user name, growing delays, the known-device cookie."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.accounts import throttle
from fangkong.accounts.models import LoginThrottle, User
from fangkong.conftest import PASSWORD
from fangkong.net import client_ip

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"
THROTTLED = "登录失败次数过多"  # the UI opens in Chinese


def attempt(client, username, password, ip, path="/login/", **headers):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def the_wait_passes():
    LoginThrottle.objects.update(blocked_until=timezone.now())


@pytest.fixture
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    settings.LOGIN_DELAY_SECONDS = 30
    settings.LOGIN_DELAY_MAX_MINUTES = 15
    return settings


def test_a_spray_of_user_names_from_one_address_is_throttled(client, grid_worker, limits):
    for n in range(6):
        assert attempt(client, f"guess{n}", "123456", ATTACKER).status_code == 400
    response = attempt(client, "inside", PASSWORD, ATTACKER)
    assert response.status_code == 400 and not logged_in(client)
    assert THROTTLED in response.content.decode()
    attempt(client, "inside", PASSWORD, OWNER)  # another address is not held up by the spray
    assert logged_in(client)


def test_with_the_default_limits_the_twelve_name_spray_of_the_issue_is_throttled(client, db):
    responses = [attempt(client, f"user{n}", "123456", ATTACKER).content.decode() for n in range(12)]
    assert [THROTTLED in text for text in responses] == [False] * 10 + [True] * 2


def test_forging_x_forwarded_for_does_not_escape_the_address_throttle(client, grid_worker, limits):
    for n in range(6):
        attempt(client, f"guess{n}", "123456", ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    attempt(client, "inside", PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert not logged_in(client)


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_forwarded_address(client, grid_worker, limits):
    limits.TRUSTED_PROXIES = 1
    proxy = "10.1.1.1"
    for n in range(6):
        attempt(client, f"guess{n}", "123456", proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}")
    attempt(client, "inside", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert not logged_in(client)
    attempt(client, "inside", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {OWNER}")
    assert logged_in(client)


def test_the_owner_logs_in_from_their_known_device_during_a_spray_against_their_name(client, grid_worker, limits):
    owner = Client()
    attempt(owner, "inside", PASSWORD, OWNER)
    owner.post("/logout/")
    assert throttle.KNOWN_DEVICE_COOKIE in owner.cookies
    for n in range(8):  # from many addresses, so no address is held up
        attempt(client, "inside", "wrong", f"192.0.2.{n}")
    stranger = Client()
    attempt(stranger, "inside", PASSWORD, OWNER)
    assert not logged_in(stranger)  # the name waits on a device it has not been used from
    response = attempt(owner, "inside", PASSWORD, OWNER)
    assert response.status_code == 302 and logged_in(owner)


def test_a_forged_known_device_cookie_does_not_pass(client, grid_worker, limits):
    for n in range(3):
        attempt(client, "inside", "wrong", f"192.0.2.{n}")
    client.cookies[throttle.KNOWN_DEVICE_COOKIE] = str(grid_worker.pk)
    attempt(client, "inside", PASSWORD, OWNER)
    assert not logged_in(client)


def test_each_further_failure_doubles_the_wait_up_to_the_cap_and_then_the_user_gets_in(client, grid_worker,
                                                                                         limits):
    limits.LOGIN_DELAY_MAX_MINUTES = 1
    waits = []
    for _ in range(6):
        attempt(client, "inside", "wrong", f"192.0.2.{len(waits)}")
        row = LoginThrottle.objects.get(key=throttle.user_key(grid_worker.pk))
        waits.append(row.blocked_until - row.last_failure_at if row.blocked_until else dt.timedelta(0))
        the_wait_passes()
    assert [w.total_seconds() for w in waits] == [0, 0, 30, 60, 60, 60]
    attempt(client, "inside", PASSWORD, OWNER)
    assert logged_in(client)
    assert not LoginThrottle.objects.filter(key=throttle.user_key(grid_worker.pk)).exists()


def test_a_throttled_attempt_is_refused_without_checking_the_password_or_counting(client, grid_worker, limits):
    for n in range(3):
        attempt(client, "inside", "wrong", f"192.0.2.{n}")
    for _ in range(5):
        assert THROTTLED in attempt(client, "inside", "wrong", OWNER).content.decode()
    assert LoginThrottle.objects.get(key=throttle.user_key(grid_worker.pk)).failures == 3


def test_the_admin_login_is_throttled_too(client, limits, tree):
    User.objects.create_superuser("root", password=PASSWORD)
    for _ in range(3):
        assert attempt(client, "root", "wrong", ATTACKER, path="/admin/login/").status_code == 200
    response = attempt(client, "root", PASSWORD, ATTACKER, path="/admin/login/")
    assert THROTTLED in response.content.decode() and not logged_in(client)
    the_wait_passes()
    assert attempt(client, "root", PASSWORD, ATTACKER, path="/admin/login/?next=/admin/").status_code == 302
    assert logged_in(client)


def test_unknown_user_names_do_not_grow_the_table(client, db, limits):
    limits.LOGIN_ADDRESS_FAILURE_LIMIT = 1000
    for n in range(40):
        attempt(client, f"nobody{n}", "123456", f"203.0.113.{n % 2}")
    assert LoginThrottle.objects.count() == 2


def test_rows_quiet_for_the_window_are_deleted(client, db, limits):
    attempt(client, "nobody", "123456", ATTACKER)
    window = dt.timedelta(minutes=limits.LOGIN_FAILURE_WINDOW_MINUTES)
    LoginThrottle.objects.update(last_failure_at=timezone.now() - window - dt.timedelta(minutes=1))
    attempt(client, "nobody", "123456", OWNER)
    assert list(LoginThrottle.objects.values_list("key", flat=True)) == [throttle.address_key(OWNER)]


def test_an_ipv6_client_is_counted_by_its_64(limits):
    assert throttle.address_key("2001:db8:1:2::1") == throttle.address_key("2001:db8:1:2:ffff::9")
    assert throttle.address_key("2001:db8:1:2::1") != throttle.address_key("2001:db8:1:3::1")


@pytest.mark.parametrize("proxies, forwarded, expected", [
    (0, "1.1.1.1", "10.0.0.2"),  # no proxy: a forwarded header is the client's own claim
    (1, "1.1.1.1, 2.2.2.2", "2.2.2.2"),  # the entry our one proxy wrote
    (2, "1.1.1.1, 2.2.2.2, 3.3.3.3", "2.2.2.2"),  # the outer proxy wrote 2.2.2.2, the inner one 3.3.3.3
    (2, "2.2.2.2", "2.2.2.2"),  # fewer entries than proxies: the leftmost, written by a proxy
    (1, "", "10.0.0.2"),  # reached us without passing the proxy
    (1, "not-an-address", "10.0.0.2"),
])
def test_the_client_address_honours_the_trusted_proxies(settings, rf, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
