"""`fangkong exposure match` as an analyst runs it: no settings, no database, exit 2 and the reason when refused."""

from __future__ import annotations

import subprocess
import sys

from .conftest import at, read_matches, write_scans, write_visits


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fangkong.cli", "exposure", *args], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "nonsense://"})


def test_the_command_writes_the_matches_without_a_database(tmp_path):
    write_scans(tmp_path / "scans", [(1, "p1", "V1", at("11-03 10:00"), None),
                                     (2, "p2", "V1", at("11-03 10:50"), at("11-03 11:10"))])
    write_visits(tmp_path / "visits.parquet", [("C1", "V1", at("11-03 10:30"), at("11-03 11:00"))])
    done = run("match", "--scans", str(tmp_path / "scans"), "--visits", str(tmp_path / "visits.parquet"),
               "--out", str(tmp_path / "m.parquet"), "--min-overlap-minutes", "15", "--threads", "1",
               "--memory-limit", "1GB")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"1 matches written to {tmp_path / 'm.parquet'} in ")
    assert read_matches(tmp_path / "m.parquet") == [(1, "p1", "C1", "V1", at("11-03 10:30"), 30)]


def test_bad_input_exits_2_naming_the_field(tmp_path):
    write_scans(tmp_path / "scans", [(1, "p1", "V1", at("11-03 10:00"), None)])
    write_visits(tmp_path / "visits.parquet", [("C1", "V1", at("11-03 10:30"), at("11-03 11:00"))])
    common = ["match", "--scans", str(tmp_path / "scans"), "--visits", str(tmp_path / "visits.parquet"),
              "--out", str(tmp_path / "m.parquet")]
    negative = run(*common, "--default-stay-minutes", "-5")
    assert negative.returncode == 2
    assert negative.stderr == "fangkong exposure match: default_stay_minutes: must be at least 1 minute, not -5\n"
    no_threads = run(*common, "--threads", "0")
    assert no_threads.returncode == 2 and "threads: must be at least 1, not 0" in no_threads.stderr
    unknown_engine = run(*common, "--engine", "pandas")
    assert unknown_engine.returncode == 2 and "invalid choice: 'pandas'" in unknown_engine.stderr
    assert not (tmp_path / "m.parquet").exists()
