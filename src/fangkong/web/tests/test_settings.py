import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

KEY = "k" * 48


def start(tmp_path, **variables) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with these variables (None: unset), printing a few of them."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("FANGKONG_") and name != "DJANGO_SETTINGS_MODULE"}
    env.update({"FANGKONG_VAR_DIR": str(tmp_path / "var")})
    env.update({name: value for name, value in variables.items() if value is not None})
    code = ("import fangkong.settings as s; print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
            " s.LANGUAGE_COOKIE_SECURE, s.ALLOWED_HOSTS, s.FIELD_ENCRYPTION_KEY[:4])")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def production(**variables) -> dict:
    return {"FANGKONG_PRODUCTION": "true", "FANGKONG_SECRET_KEY": KEY, "FANGKONG_FIELD_KEY": KEY,
            "FANGKONG_ALLOWED_HOSTS": "fangkong.example.cn", **variables}


@pytest.mark.parametrize("variable, value", [
    ("FANGKONG_DEBUG", "maybe"), ("DATABASE_URL", "mysql://x@y/z"), ("FANGKONG_TIME_ZONE", "Mars/Olympus"),
    ("FANGKONG_TRUSTED_PROXIES", "one"), ("FANGKONG_TRUSTED_PROXIES", "-1"),
    ("FANGKONG_IMPORT_MAX_UNZIPPED_MB", "lots"),
])
def test_a_bad_setting_stops_start_up_naming_the_variable(tmp_path, variable, value):
    result = start(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr


def test_production_starts_with_its_keys_and_hosts_and_sends_hsts_and_secure_cookies(tmp_path):
    result = start(tmp_path, **production())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(maxsplit=4)[:4] == ["31536000", "True", "True", "True"]
    assert "['fangkong.example.cn']" in result.stdout


def test_outside_production_there_is_no_hsts_and_keys_are_made_on_first_use(tmp_path):
    result = start(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(maxsplit=4)[:4] == ["0", "False", "False", "False"]
    assert (tmp_path / "var" / "field.key").exists() and (tmp_path / "var" / "secret.key").exists()


@pytest.mark.parametrize("hosts", ["*", "fangkong.example.cn,*", "", " , ", None],
                         ids=["any", "any among others", "empty", "only commas", "unset"])
def test_production_refuses_to_serve_any_host(tmp_path, hosts):
    result = start(tmp_path, **production(FANGKONG_ALLOWED_HOSTS=hosts))
    assert result.returncode != 0
    assert "FANGKONG_ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize("missing", ["FANGKONG_SECRET_KEY", "FANGKONG_FIELD_KEY"])
def test_production_requires_the_keys_and_never_makes_them_up(tmp_path, missing):
    result = start(tmp_path, **production(**{missing: None}))
    assert result.returncode != 0
    assert f"{missing} (or {missing}_FILE) is not set" in result.stderr
    assert not (tmp_path / "var" / "field.key").exists() and not (tmp_path / "var" / "secret.key").exists()


def test_production_refuses_a_short_key_and_debug(tmp_path):
    short = start(tmp_path, **production(FANGKONG_FIELD_KEY="secret"))
    assert short.returncode != 0 and "FANGKONG_FIELD_KEY: a key of 6 characters is too short" in short.stderr
    debug = start(tmp_path, **production(FANGKONG_DEBUG="true"))
    assert debug.returncode != 0 and "FANGKONG_DEBUG=true is refused" in debug.stderr


@pytest.mark.parametrize("mode", [{}, production(FANGKONG_FIELD_KEY=None)], ids=["development", "production"])
def test_a_field_key_file_that_is_named_but_missing_stops_start_up(tmp_path, mode):
    missing = tmp_path / "secrets" / "field.key"
    result = start(tmp_path, **mode, FANGKONG_FIELD_KEY_FILE=str(missing))
    assert result.returncode != 0
    assert f"FANGKONG_FIELD_KEY_FILE='{missing}' cannot be read: No such file or directory" in result.stderr
    assert not (tmp_path / "var" / "field.key").exists()  # no key made up in its place


def test_the_field_key_is_read_from_the_file_named(tmp_path):
    key_file = tmp_path / "field.key"
    key_file.write_text("abcd" + KEY + "\n")
    result = start(tmp_path, **production(FANGKONG_FIELD_KEY=None, FANGKONG_FIELD_KEY_FILE=str(key_file)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("abcd")
    empty = tmp_path / "empty.key"
    empty.write_text("\n")
    result = start(tmp_path, FANGKONG_FIELD_KEY_FILE=str(empty))
    assert result.returncode != 0 and "FANGKONG_FIELD_KEY_FILE" in result.stderr and "is empty" in result.stderr


def test_the_readme_lists_every_variable_the_code_reads():
    package = Path(__file__).resolve().parents[1].parent
    readme = (package.parents[1] / "README.md").read_text()
    table = readme[readme.index("## Configuration (environment)"):].split("\n## ")[0]
    read = {name for source in package.rglob("*.py") if "tests" not in source.parts
            for name in re.findall(r"\b(FANGKONG_[A-Z_]+|DATABASE_URL)\b", source.read_text())}
    assert read and {name for name in read if f"`{name}`" not in table} == set()
