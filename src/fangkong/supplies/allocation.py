"""Allocation under scarcity (紧平衡): the exact, deterministic rule for one item, and the same priorities for
several items with stand-ins and limited transport as a linear programme (HiGHS).

Pure functions, no database: the pages, the API and `fangkong supplies allocate` all call `allocate`.

The rule (issue 14, section 3):
1. available = stock × (1 − reserve), rounded down (the reserve is held back for the worst-case forecast);
2. each request has a priority tier (1 first), a need and a minimum (0 ≤ minimum ≤ need);
3. first the minimums, tier by tier; then the rest of the needs (need − minimum), tier by tier; a tier is served in
   full before the next gets anything;
4. within the tier that cannot be served in full, every unit gets the same fraction of what it asked in that stage
   (equal fill rate), rounded down; the units left over go one each to the largest fractional remainders, ties by
   unit code ascending;
5. nobody gets more than its need; the total never exceeds what is available.

Arithmetic is exact (integers and Fractions): a fill rate of 1/3 never rounds differently on another machine.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

MINIMUM, REST = "minimum", "rest"  # the two stages of the rule, in order


@dataclass(frozen=True)
class Ask:
    """One request of one unit for one item."""

    unit: str  # the unit's code: ties go to the lower code
    tier: int
    need: int
    minimum: int = 0


@dataclass
class Share:
    """What one request got, and why."""

    ask: Ask
    allocated: int = 0
    # The stage and tier where the stock ran out for this request, or None when it was served in full.
    cut: tuple[str, int] | None = None
    rate: Fraction | None = None  # the cut tier's fill rate in that stage (before rounding)
    extra: bool = False  # one of the units left over after rounding down went to this request

    @property
    def fill_rate(self) -> float:
        return self.allocated / self.ask.need if self.ask.need else 1.0


@dataclass
class Allocation:
    stock: int
    reserve: Fraction
    available: int
    shares: list[Share]
    cut: tuple[str, int] | None = None  # where the stock ran out: (stage, tier), None when every need was met
    rate: Fraction | None = None
    served: dict[tuple[str, int], int] = field(default_factory=dict)  # (stage, tier) -> units given

    @property
    def allocated(self) -> int:
        return sum(s.allocated for s in self.shares)


def available_from(stock: int, reserve: Fraction | str | float) -> int:
    """Stock less the reserve, rounded down: 1,000 with a reserve of 0.1 is 900; 999 is 899."""
    return math.floor(stock * (1 - Fraction(str(reserve))))


def allocate(stock: int, asks: Sequence[Ask], reserve: Fraction | str | float = 0) -> Allocation:
    """The rule above. `asks` must already be valid (see `check_asks`): whole needs and minimums, 0 ≤ min ≤ need."""
    reserve = Fraction(str(reserve))
    available = available_from(stock, reserve)
    shares = [Share(ask) for ask in asks]
    result = Allocation(stock=stock, reserve=reserve, available=available, shares=shares)
    by_tier: dict[int, list[Share]] = defaultdict(list)
    for share in shares:
        by_tier[share.ask.tier].append(share)
    left = available
    for stage in (MINIMUM, REST):
        for tier in sorted(by_tier):
            group = [(s, _asked(s.ask, stage)) for s in by_tier[tier]]
            group = [(s, asked) for s, asked in group if asked > 0]
            total = sum(asked for _s, asked in group)
            if not total:
                continue
            if left >= total:
                for share, asked in group:
                    share.allocated += asked
                left -= total
                result.served[(stage, tier)] = total
                continue
            _cut(group, left, total, (stage, tier))
            result.served[(stage, tier)] = left
            result.cut, result.rate = (stage, tier), Fraction(left, total)
            for share in shares:  # every request not yet served in full was cut here, or never reached
                if share.cut is None and share.allocated < share.ask.need:
                    share.cut, share.rate = result.cut, result.rate
            return result
    return result


def _asked(ask: Ask, stage: str) -> int:
    return ask.minimum if stage == MINIMUM else ask.need - ask.minimum


def _cut(group: list[tuple[Share, int]], left: int, total: int, where: tuple[str, int]) -> None:
    """Share `left` (< total) in proportion: asked × left / total each, rounded down, then one more each to the
    largest remainders (exact: compared as asked × left mod total), ties by unit code ascending."""
    rate = Fraction(left, total)
    remainders = []
    given = 0
    for position, (share, asked) in enumerate(group):
        whole, remainder = divmod(asked * left, total)
        share.allocated += whole
        share.cut, share.rate = where, rate
        given += whole
        if remainder:
            remainders.append((-remainder, share.ask.unit, position))
    remainders.sort()
    for _remainder, _unit, position in remainders[:left - given]:
        share = group[position][0]
        share.allocated += 1
        share.extra = True


def stage_rate(result: Allocation, stage: str, tier: int, asks: Iterable[Ask]) -> Fraction:
    """What a tier got in a stage as a fraction of what it asked in it (1 when it asked nothing)."""
    asked = sum(_asked(a, stage) for a in asks if a.tier == tier)
    return Fraction(result.served.get((stage, tier), 0), asked) if asked else Fraction(1)


# --- several items, stand-ins, limited transport: a linear programme --------------------------------------------


@dataclass(frozen=True)
class ItemAsk:
    unit: str
    item: str
    tier: int
    need: int


@dataclass
class Plan:
    """The allocation of several items: (unit, item asked, item given) -> units, integer; and the LP's bound."""

    given: dict[tuple[str, str, str], int]
    lp_rates: dict[int, float]  # per tier: the lowest fill rate the LP reached (its bound)
    rates: dict[int, float]  # per tier: the lowest fill rate of the whole-unit allocation
    lp_total: float
    total: int
    solves: int

    @property
    def gap(self) -> float:
        """How far whole units fall short of the LP bound on what the plan maximises first: tier 1's lowest fill
        rate (the later tiers' LP rates are bounds only given the LP's own rate for the tiers before them)."""
        first = min(self.lp_rates, default=None)
        return 0.0 if first is None else max(0.0, self.lp_rates[first] - self.rates[first])


def plan(asks: Sequence[ItemAsk], stock: dict[str, int], stand_ins: dict[str, Sequence[str]] | None = None,
         transport: dict[str, int] | None = None, tolerance: float = 1e-7) -> Plan:
    """Lexicographically maximise the lowest fill rate of tier 1, then of tier 2, …, then the total given, with
    HiGHS; an item's stand-ins (e.g. KN95 for a medical protective mask) serve its requests when it runs short,
    `transport` caps the units carried to each unit. The LP is then rounded down to whole units and what rounding
    left over is handed out again tier by tier, so the plan never gives more than the stock, a need or a cap."""
    import highspy
    import numpy as np

    stand_ins = stand_ins or {}
    transport = transport or {}
    columns: list[tuple[int, str]] = []  # (ask index, item given)
    for index, ask in enumerate(asks):
        for item in (ask.item, *stand_ins.get(ask.item, ())):
            if stock.get(item, 0) > 0:
                columns.append((index, item))
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("log_to_console", False)
    inf = highspy.kHighsInf
    n = len(columns)
    tiers = sorted({a.tier for a in asks})
    z = n  # one more column: the lowest fill rate of the tier being solved
    h.addVars(n + 1, np.zeros(n + 1), np.array([inf] * n + [1.0]))
    by_ask, by_item, by_unit = defaultdict(list), defaultdict(list), defaultdict(list)
    for col, (index, item) in enumerate(columns):
        by_ask[index].append(col)
        by_item[item].append(col)
        by_unit[asks[index].unit].append(col)

    def add_rows(rows):  # [(lower, upper, cols, values)] in one call: HiGHS takes them as CSR arrays
        starts = np.cumsum([0] + [len(r[2]) for r in rows[:-1]]).astype(np.int32)
        indices = np.array([c for r in rows for c in r[2]], dtype=np.int32)
        values = np.array([v for r in rows for v in r[3]], dtype=np.float64)
        h.addRows(len(rows), np.array([r[0] for r in rows]), np.array([r[1] for r in rows]), len(indices),
                  starts, indices, values)

    add_rows([(-inf, float(stock[item]), cols, [1.0] * len(cols)) for item, cols in by_item.items()]
             + [(-inf, float(transport[unit]), cols, [1.0] * len(cols)) for unit, cols in by_unit.items()
                if unit in transport])
    first_need_row = h.getNumRow()  # then one row per ask: what it gets, between its tier's promise and its need
    add_rows([(0.0, float(ask.need), by_ask.get(index, []), [1.0] * len(by_ask.get(index, [])))
              for index, ask in enumerate(asks)])
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    everything = np.arange(n + 1, dtype=np.int32)
    cost = np.zeros(n + 1)
    cost[z] = 1.0
    h.changeColsCost(n + 1, everything, cost)
    lp_rates, solves = {}, 0
    for tier in tiers:
        # the rate rows of this tier alone (scaled by the need: what it gets / its need ≥ z), dropped once solved
        members = [i for i, a in enumerate(asks) if a.tier == tier]
        first = h.getNumRow()
        add_rows([(0.0, inf, [*by_ask.get(i, []), z], [*([1.0 / asks[i].need] * len(by_ask.get(i, []))), -1.0])
                  for i in members])
        h.run()
        solves += 1
        best = max(0.0, h.getInfo().objective_function_value)
        lp_rates[tier] = best
        h.deleteRows(len(members), np.arange(first, first + len(members), dtype=np.int32))
        kept = max(0.0, best - tolerance)  # keep this tier's rate, go on to the next
        rows = np.array([first_need_row + i for i in members], dtype=np.int32)
        needs = np.array([float(asks[i].need) for i in members])
        h.changeRowsBounds(len(members), rows, kept * needs, needs)
    values = h.getSolution().col_value
    lp_total = float(sum(values[:n]))
    given = {col: int(math.floor(values[col] + 1e-6)) for col in range(n)}
    share = [sum(values[c] for c in by_ask.get(i, [])) for i in range(len(asks))]  # each ask's LP share
    _hand_out_rest(asks, columns, given, by_ask, stock, transport, share)
    plan_given: dict[tuple[str, str, str], int] = {}
    for col, (index, item) in enumerate(columns):
        if given[col]:
            key = (asks[index].unit, asks[index].item, item)
            plan_given[key] = plan_given.get(key, 0) + given[col]
    rates = {tier: min((sum(given[c] for c in by_ask.get(i, [])) / a.need for i, a in enumerate(asks)
                        if a.tier == tier), default=1.0) for tier in tiers}
    return Plan(plan_given, lp_rates, rates, lp_total, sum(given.values()), solves)


def _hand_out_rest(asks, columns, given, by_ask, stock, transport, share) -> None:
    """What the LP left unused (rounding down, and stock beyond every tier's promised rate) is handed out tier by
    tier, always to the request with the lowest fill rate, in steps that lift it past the next lowest, as far as
    the stock, its need and its unit's transport cap allow: the LP's rates stay the floor of every tier, and nothing
    is left on the shelf that a request could still take."""
    import heapq

    used_item, carried = defaultdict(int), defaultdict(int)
    for col, (index, item) in enumerate(columns):
        used_item[item] += given[col]
        carried[asks[index].unit] += given[col]
    got = {i: sum(given[c] for c in by_ask.get(i, [])) for i in range(len(asks))}
    heap = [(a.tier, got[i] / a.need, a.unit, i) for i, a in enumerate(asks) if got[i] < a.need]
    heapq.heapify(heap)
    while heap:
        tier, _rate, unit, index = heapq.heappop(heap)
        ask = asks[index]
        cap_left = transport.get(unit, math.inf) - carried[unit]
        if cap_left <= 0:
            continue
        step = ask.need - got[index]
        if heap and heap[0][0] == tier:  # just past the next lowest of the tier, then it is the other's turn; beyond
            # its LP share by a twentieth of its need at least, so a tier of equals rises in twenty rounds
            least = 1 if got[index] < share[index] - 1e-6 else math.ceil(ask.need / 20)
            step = min(step, max(least, math.ceil(heap[0][1] * ask.need) - got[index] + 1))
        step = min(step, cap_left)
        for col in by_ask.get(index, []):
            item = columns[col][1]
            take = min(step, stock[item] - used_item[item])
            if take > 0:
                given[col] += take
                got[index] += take
                used_item[item] += take
                carried[unit] += take
                step -= take
            if not step:
                break
        if step == 0 and got[index] < ask.need:  # it took all it was offered: it may take more later
            heapq.heappush(heap, (tier, got[index] / ask.need, unit, index))
