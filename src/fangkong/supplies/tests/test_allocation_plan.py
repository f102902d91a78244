"""Several items with stand-ins and transport caps, solved with HiGHS: the same priorities as the rule (tier 1's
lowest fill rate first, then tier 2's …), whole units, never above a need, a stock or a cap."""

import pytest

from fangkong.supplies.allocation import ItemAsk, plan

MASK, KN95, GOWN = "medical-protective-mask", "kn95-mask", "isolation-gown"


def given_to(result, unit):
    return {(asked, item): n for (u, asked, item), n in result.given.items() if u == unit}


def test_a_stand_in_serves_tier_one_when_its_item_runs_short():
    # 60 masks and 40 KN95 for a fever clinic (tier 1) needing 100 masks and an office (tier 5) needing 40 masks:
    # tier 1 first, so the clinic gets all 60 masks and all 40 KN95; the office nothing.
    asks = [ItemAsk("CLINIC", MASK, 1, 100), ItemAsk("OFFICE", MASK, 5, 40)]
    result = plan(asks, {MASK: 60, KN95: 40}, {MASK: [KN95]})
    assert given_to(result, "CLINIC") == {(MASK, MASK): 60, (MASK, KN95): 40}
    assert given_to(result, "OFFICE") == {}
    assert result.rates == {1: 1.0, 5: 0.0} and result.lp_rates[1] == pytest.approx(1.0)


def test_the_lowest_fill_rate_of_a_tier_is_raised_before_the_next_tier_gets_anything():
    # 90 masks for two tier-1 wards needing 60 each (no stand-in): 45 each (0.75), nothing for tier 2.
    asks = [ItemAsk("W1", MASK, 1, 60), ItemAsk("W2", MASK, 1, 60), ItemAsk("LAB", MASK, 2, 30)]
    result = plan(asks, {MASK: 90})
    assert result.rates[1] == pytest.approx(0.75) and result.rates[2] == 0
    assert sum(result.given.values()) == 90


def test_a_transport_cap_limits_a_unit_and_the_rest_goes_to_the_others():
    # The far township's truck carries 20 items in all; it needs 50 masks and 50 gowns (tier 1): at best 10 + 10
    # (fill rate 0.2 for both). The town centre (tier 1 too) gets what the township cannot carry.
    asks = [ItemAsk("FAR", MASK, 1, 50), ItemAsk("FAR", GOWN, 1, 50), ItemAsk("TOWN", MASK, 1, 100)]
    result = plan(asks, {MASK: 100, GOWN: 100}, transport={"FAR": 20})
    far = given_to(result, "FAR")
    assert sum(far.values()) <= 20 and far[(MASK, MASK)] == far[(GOWN, GOWN)] == 10
    assert given_to(result, "TOWN") == {(MASK, MASK): 90}
    assert result.lp_rates[1] == pytest.approx(0.2)


def test_never_above_need_stock_or_cap_and_whole_units_close_to_the_lp():
    import random

    rng = random.Random(3)
    items = [f"i{k}" for k in range(6)]
    asks = [ItemAsk(f"U{u:02d}", item, rng.randint(1, 3), rng.randint(1, 40))
            for u in range(30) for item in rng.sample(items, 3)]
    stock = {item: rng.randint(0, 300) for item in items}
    caps = {f"U{u:02d}": rng.randint(5, 60) for u in range(30)}
    result = plan(asks, stock, {"i0": ["i1"], "i2": ["i3"]}, caps)
    used, carried, got = {}, {}, {}
    for (unit, asked, item), n in result.given.items():
        assert n > 0 and isinstance(n, int)
        assert item == asked or item in {"i0": ["i1"], "i2": ["i3"]}.get(asked, [])
        used[item] = used.get(item, 0) + n
        carried[unit] = carried.get(unit, 0) + n
        got[(unit, asked)] = got.get((unit, asked), 0) + n
    assert all(used[i] <= stock[i] for i in used)
    assert all(carried[u] <= caps[u] for u in carried)
    needs = {(a.unit, a.item): a.need for a in asks}
    assert all(got[k] <= needs[k] for k in got)
    # whole units: tier 1's lowest fill rate is at most the LP's, and short of it by less than one unit of its need
    tier1 = [a for a in asks if a.tier == 1]
    assert result.rates[1] <= result.lp_rates[1] + 1e-6
    assert result.gap < 1 / min(a.need for a in tier1) + 1e-6
