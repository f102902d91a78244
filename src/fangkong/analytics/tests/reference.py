"""Readers of the published reference data in ../shared/validation (EpiEstim, surveillance)."""

import json
import re
from pathlib import Path

VALIDATION = Path(__file__).resolve().parents[5] / "shared" / "validation"


def epiestim_dataset(name: str) -> dict:
    return json.loads((VALIDATION / "epiestim" / "epiestim_datasets.json").read_text())[name]


def epiestim_example(number: int) -> dict:
    """Example `number` of EpiEstim's estimate_R snapshot: its $R table by column, and its $I_local/$I_imported."""
    text = (VALIDATION / "epiestim" / "estimate_R_snapshot.md").read_text()
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
    return json.loads((VALIDATION / "surveillance" / "salmNewport_germany_weekly.json").read_text())
