"""Readers of the published reference data kept beside the tests in data/ (EpiEstim, surveillance; see
data/README.md)."""

import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def epiestim_dataset(name: str) -> dict:
    return json.loads((DATA / "epiestim" / f"{name}.json").read_text())


def epiestim_example(number: int) -> dict:
    """Example `number` of EpiEstim's estimate_R snapshot: its $R table by column, and its $I_local/$I_imported."""
    text = (DATA / "epiestim" / "estimate_R_snapshot.md").read_text()
    section = text.split(f"# Example {number} matches saved output")[1].split("# Example")[0]
    table_text = section.split("$R")[1].split("$method")[0]
    columns: dict[str, list[float]] = {}
    header: list[str] = []
    for line in table_text.splitlines():
        cells = line.split()
        if not cells:
            continue
        if not cells[0].isdigit():
            header = cells
            for name in header:
                columns.setdefault(name, [])
            continue
        for name, cell in zip(header, cells[1:]):
            columns[name].append(cell)
    series = {}
    for name in ("I_local", "I_imported"):
        block = section.split(f"${name}")[1].split("$")[0].split("attr(")[0]
        series[name] = [int(v) for v in re.sub(r"\[\d+\]", " ", block).split()]
    return {"R": columns, **series}


def salmonella_newport() -> dict:
    return json.loads((DATA / "surveillance" / "salmNewport_germany_weekly.json").read_text())


def salmonella_agona() -> list[int]:
    """The weekly counts of surveillance's salmonella.agona.txt (columns week, observed, state)."""
    lines = (DATA / "surveillance" / "salmonella.agona.txt").read_text().splitlines()[1:]
    return [int(line.split()[1]) for line in lines]
