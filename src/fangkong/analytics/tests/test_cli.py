"""`fangkong analytics rt` on a CSV, as an epidemiologist runs it."""

import subprocess
import sys

import pytest

from fangkong.analytics.cli import main

from .reference import epiestim_dataset, epiestim_example


@pytest.fixture
def flu_csv(tmp_path):
    flu = epiestim_dataset("Flu2009")["incidence"]
    path = tmp_path / "flu.csv"
    path.write_text("date,count\n" + "".join(f"{d},{int(n)}\n" for d, n in zip(flu["dates"], flu["I"])))
    return path


def test_it_prints_one_row_per_window_with_dates(flu_csv, capsys):
    assert main(["rt", "--csv", str(flu_csv), "--si-mean", "2.6", "--si-sd", "1.5", "--window", "7"]) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = epiestim_example(3)["R"]
    assert lines[0] == "t_start,t_end,date_start,date_end,mean,std,q025,median,q975"
    assert len(lines) == 1 + len(expected["t_start"])
    first = lines[1].split(",")
    assert first[:4] == ["2", "8", "2009-04-28", "2009-05-04"]
    assert float(first[4]) == pytest.approx(float(expected["Mean(R)"][0]), abs=1e-6)


def test_a_gap_in_the_dates_is_refused_naming_the_row(flu_csv, capsys):
    lines = flu_csv.read_text().splitlines()
    flu_csv.write_text("\n".join(lines[:4] + lines[5:]) + "\n")
    assert main(["rt", "--csv", str(flu_csv), "--si-mean", "2.6", "--si-sd", "1.5"]) == 2
    assert "date: row 5: 2009-05-01 does not follow 2009-04-29" in capsys.readouterr().err


@pytest.mark.parametrize("edit, message", [
    (lambda text: text.replace("2009-04-30,2", "2009-04-30,-2"), "count: counts cannot be negative"),
    (lambda text: text.replace("date,count", "day,count"), "no column 'date'"),
])
def test_bad_files_are_refused(flu_csv, capsys, edit, message):
    flu_csv.write_text(edit(flu_csv.read_text()))
    assert main(["rt", "--csv", str(flu_csv), "--si-mean", "2.6", "--si-sd", "1.5"]) == 2
    assert message in capsys.readouterr().err


def test_a_serial_interval_mean_of_one_day_or_less_is_refused(flu_csv, capsys):
    assert main(["rt", "--csv", str(flu_csv), "--si-mean", "1", "--si-sd", "1.5"]) == 2
    assert "si_mean" in capsys.readouterr().err


def test_the_fangkong_command_runs_it_without_a_database(flu_csv):
    done = subprocess.run([sys.executable, "-m", "fangkong.cli", "analytics", "rt", "--csv", str(flu_csv),
                           "--si-mean", "2.6", "--si-sd", "1.5"], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "nonsense://"})
    assert done.returncode == 0 and done.stdout.count("\n") == 26
