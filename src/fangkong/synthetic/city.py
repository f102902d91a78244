"""The synthetic city's tree: a real province and city, real districts, invented townships and below.

Sizes follow the reports' grids: 300-500 households of about 2.6 persons. The tree is sized to the
population asked for, so 50k people make a small city and 10M a large one. Boundaries are a
recursive subdivision of the real city's bounding box, enough for a map that joins by code.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from fangkong.jurisdictions import codes as areas

from .vocabulary import CITY_BBOX, PLACE_WORDS, URBAN_COUNTIES

PROVINCE = ("420000", "湖北省")
CITY = ("420100", "武汉市")
PERSONS_PER_GRID = 1050  # about 400 households of 2.6 persons
GRIDS_PER_COMMUNITY = 5
COMMUNITIES_PER_TOWNSHIP = 8


@dataclass
class Unit:
    code: str
    name: str
    level: str
    parent: Unit | None
    bbox: tuple[float, float, float, float]
    children: list[Unit] = field(default_factory=list)
    target_persons: int = 0

    @property
    def path(self) -> str:
        return (self.parent.path if self.parent else "") + self.code + "/"

    @property
    def county(self) -> Unit:
        unit = self
        while unit.level != "county":
            unit = unit.parent
        return unit

    def polygon(self) -> dict:
        x0, y0, x1, y1 = (round(v, 5) for v in self.bbox)
        return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def split_bbox(bbox, parts: int) -> list[tuple[float, float, float, float]]:
    """Cut a box into `parts` cells, row by row; the last row's cells widen to fill it."""
    x0, y0, x1, y1 = bbox
    cols = max(1, math.ceil(math.sqrt(parts * (x1 - x0) / max(y1 - y0, 1e-9))))
    rows = math.ceil(parts / cols)
    cells = []
    for r in range(rows):
        in_row = min(cols, parts - r * cols)
        top, bottom = y1 - (y1 - y0) * r / rows, y1 - (y1 - y0) * (r + 1) / rows
        for c in range(in_row):
            left, right = x0 + (x1 - x0) * c / in_row, x0 + (x1 - x0) * (c + 1) / in_row
            cells.append((left, bottom, right, top))
    return cells


def spread(total: int, parts: int, rng: random.Random, low: float = 0.85, high: float = 1.15) -> list[int]:
    """Split `total` into `parts` uneven shares (each within low..high of the mean) that sum exactly."""
    weights = [rng.uniform(low, high) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    for i in sorted(range(parts), key=lambda i: shares[i] - weights[i] * scale)[: total - sum(shares)]:
        shares[i] += 1
    return shares


def build(population: int, rng: random.Random) -> tuple[list[Unit], list[Unit]]:
    """Return (every unit parents first, the grids with their target populations)."""
    grid_count = max(1, round(population / PERSONS_PER_GRID))
    counties = areas.current_counties(CITY[0][:4])
    counties = counties[: max(1, min(len(counties), grid_count // 3))]
    province = Unit(PROVINCE[0], PROVINCE[1], "province", None, CITY_BBOX)
    city = Unit(CITY[0], CITY[1], "city", province, CITY_BBOX)
    province.children.append(city)
    words = iter(_place_names(rng))
    grids_per_county = spread(grid_count, len(counties), rng, 0.6, 1.4)
    for (code, name), bbox, n_grids in zip(counties, split_bbox(CITY_BBOX, len(counties)), grids_per_county):
        county = Unit(code, name, "county", city, bbox)
        city.children.append(county)
        urban = code in URBAN_COUNTIES
        n_towns = max(1, round(n_grids / (GRIDS_PER_COMMUNITY * COMMUNITIES_PER_TOWNSHIP)))
        for t, (t_bbox, t_grids) in enumerate(zip(split_bbox(bbox, n_towns), spread(n_grids, n_towns, rng)), start=1):
            town = Unit(f"{code}{t:03d}000", next(words) + ("街道" if urban or rng.random() < 0.5 else "镇"),
                        "township", county, t_bbox)
            county.children.append(town)
            n_comms = max(1, round(t_grids / GRIDS_PER_COMMUNITY))
            comm_grids = spread(t_grids, n_comms, rng) if t_grids >= n_comms else [1] * n_comms
            for c, (c_bbox, c_grids) in enumerate(zip(split_bbox(t_bbox, n_comms), comm_grids), start=1):
                village = not urban and rng.random() < 0.4
                comm = Unit(f"{town.code[:9]}{c:03d}", next(words) + ("村" if village else "社区"),
                            "community", town, c_bbox)
                town.children.append(comm)
                for g, g_bbox in enumerate(split_bbox(c_bbox, max(1, c_grids)), start=1):
                    comm.children.append(Unit(f"{comm.code}{g:03d}", f"第{g}网格", "grid", comm, g_bbox))
    units = list(_walk(province))
    grids = [u for u in units if u.level == "grid"]
    for grid, persons in zip(grids, spread(population, len(grids), rng)):
        grid.target_persons = persons
    return units, grids


def _walk(unit: Unit):
    yield unit
    for child in unit.children:
        yield from _walk(child)


def _place_names(rng: random.Random):
    """Endless distinct-looking place names: the word list, then pairs of words."""
    words = list(PLACE_WORDS)
    rng.shuffle(words)
    yield from words
    while True:
        a, b = rng.sample(PLACE_WORDS, 2)
        yield a[:1] + b[-1:] + rng.choice("新东西南北中")
