"""The allocation rule, step by step, on cases worked by hand, and its properties on random cases (hypothesis)."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.supplies.allocation import MINIMUM, REST, Ask, allocate, available_from, stage_rate


def got(result) -> dict[str, int]:
    return {s.ask.unit: s.allocated for s in result.shares}


def test_the_reserve_is_held_back_and_rounded_down():
    assert available_from(1000, "0.1") == 900
    assert available_from(999, "0.1") == 899  # 899.1
    assert available_from(7, "0.5") == 3  # 3.5
    result = allocate(1000, [Ask("A", 1, 2000)], reserve="0.1")
    assert (result.available, got(result)) == (900, {"A": 900})


def test_enough_for_everyone_gives_every_need_and_keeps_the_rest():
    result = allocate(100, [Ask("A", 1, 30, 10), Ask("B", 2, 40)])
    assert got(result) == {"A": 30, "B": 40}
    assert result.cut is None and all(s.cut is None for s in result.shares)


def test_a_tier_is_served_in_full_before_the_next_and_the_cut_tier_shares_at_an_equal_rate():
    # 100 available. Tier 1 asks 40 in all: served. Tier 2 asks 60 + 90 = 150 for the 60 left: rate 60/150 = 0.4,
    # so 24 and 36 exactly. Tier 3 gets nothing.
    asks = [Ask("T1", 1, 40), Ask("T2a", 2, 60), Ask("T2b", 2, 90), Ask("T3", 3, 50)]
    result = allocate(100, asks)
    assert got(result) == {"T1": 40, "T2a": 24, "T2b": 36, "T3": 0}
    assert (result.cut, result.rate) == ((REST, 2), Fraction(2, 5))
    assert [s.cut for s in result.shares] == [None, (REST, 2), (REST, 2), (REST, 2)]


def test_minimums_come_first_for_every_tier_then_the_rest_tier_by_tier():
    # 50 available. Minimums: tier 1 10, tier 2 20 (30 given). Rest: tier 1 asks 90 - 10 = 80 for the 20 left.
    asks = [Ask("A", 1, 90, 10), Ask("B", 2, 30, 20)]
    result = allocate(50, asks)
    assert got(result) == {"A": 30, "B": 20}
    assert result.cut == (REST, 1)


def test_minimums_not_all_met_are_shared_at_an_equal_rate_and_nobody_gets_any_rest():
    # 10 available; tier 1 minimums 8 + 4 = 12: rate 10/12: 6.67 and 3.33 → 6 and 3, one left over to the largest
    # remainder (A: 2/3 > 1/3). Tier 2's minimum and every rest get nothing.
    asks = [Ask("A", 1, 20, 8), Ask("B", 1, 10, 4), Ask("C", 2, 10, 5)]
    result = allocate(10, asks)
    assert got(result) == {"A": 7, "B": 3, "C": 0}
    assert result.cut == (MINIMUM, 1)
    assert [s.extra for s in result.shares] == [True, False, False]


def test_ties_on_remainders_go_to_the_lower_unit_code():
    # 10 units for three equal asks of 10: 3.33 each → 3, 3, 3 and one left over: the remainders tie, so the
    # lowest unit code gets it whatever the order of the requests.
    asks = [Ask("420103", 1, 10), Ask("420101", 1, 10), Ask("420102", 1, 10)]
    result = allocate(10, asks)
    assert got(result) == {"420101": 4, "420102": 3, "420103": 3}
    # two left over among four: the two lowest codes
    result = allocate(6, [Ask(code, 1, 10) for code in ("D", "B", "C", "A")])
    assert got(result) == {"A": 2, "B": 2, "C": 1, "D": 1}


def test_largest_remainder_beats_the_lower_code():
    # 5 for asks 7 and 3: 3.5 and 1.5, remainders equal → "A"; 5 for 6 and 4: 3.0 and 2.0 exact, nobody extra
    assert got(allocate(5, [Ask("B", 1, 7), Ask("A", 1, 3)])) == {"B": 3, "A": 2}
    assert got(allocate(5, [Ask("B", 1, 6), Ask("A", 1, 4)])) == {"B": 3, "A": 2}
    # 4 for 9 and 3: 3.0 and 1.0 → exact; 5 for 8 and 4: 3.33 and 1.67 → the larger remainder (A, 2/3) gets one
    assert got(allocate(5, [Ask("A", 1, 4), Ask("B", 1, 8)])) == {"A": 2, "B": 3}


def test_zero_stock_gives_nothing_and_says_where_it_stopped():
    result = allocate(0, [Ask("A", 1, 10, 2), Ask("B", 2, 5)])
    assert got(result) == {"A": 0, "B": 0}
    assert result.cut == (MINIMUM, 1) and result.rate == 0


def test_a_reserve_and_a_cut_together():
    # 1000 stock, reserve 0.25 → 750; tier 1 needs 500; tier 2 asks 200 and 300 for 250: 100 and 150.
    result = allocate(1000, [Ask("a", 1, 500), Ask("b", 2, 200), Ask("c", 2, 300)], reserve="0.25")
    assert result.available == 750 and got(result) == {"a": 500, "b": 100, "c": 150}


asks_strategy = st.lists(
    st.tuples(st.integers(1, 5), st.integers(1, 500), st.integers(0, 100)).map(
        lambda t: (t[0], t[1], min(t[2], t[1]))),
    min_size=1, max_size=40)


def build(raw):
    return [Ask(f"U{i:03d}", tier, need, minimum) for i, (tier, need, minimum) in enumerate(raw)]


@settings(max_examples=300, deadline=None)
@given(asks_strategy, st.integers(0, 20000), st.sampled_from(["0", "0.1", "0.25"]))
def test_properties(raw, stock, reserve):
    asks = build(raw)
    result = allocate(stock, asks, reserve=reserve)
    total_need = sum(a.need for a in asks)
    assert all(0 <= s.allocated <= s.ask.need for s in result.shares)  # never above need
    assert result.allocated <= result.available  # never above what is available
    if total_need >= result.available:
        assert result.allocated == result.available  # nothing held back when needs exceed it
    else:
        assert result.allocated == total_need
    tiers = sorted({a.tier for a in asks})
    for stage in (MINIMUM, REST):  # a higher tier's fill rate is at least a lower tier's, in each stage
        asking = [t for t in tiers if any((a.minimum if stage == MINIMUM else a.need - a.minimum)
                                          for a in asks if a.tier == t)]
        rates = [stage_rate(result, stage, tier, asks) for tier in asking]
        assert rates == sorted(rates, reverse=True)
    minimum_rates = [stage_rate(result, MINIMUM, tier, asks) for tier in tiers]
    if min(minimum_rates) < 1:  # the minimums were not all met: no rest for anyone
        assert all(s.allocated <= s.ask.minimum for s in result.shares)
    if result.cut:  # equal fill rate in the cut tier: within one unit of the exact share
        stage, tier = result.cut
        for s in result.shares:
            if s.ask.tier == tier:
                asked = s.ask.minimum if stage == MINIMUM else s.ask.need - s.ask.minimum
                before = 0 if stage == MINIMUM else s.ask.minimum
                assert abs((s.allocated - before) - asked * result.rate) < 1


@settings(max_examples=200, deadline=None)
@given(asks_strategy.map(lambda raw: [(t, n, 0) for t, n, _m in raw]), st.integers(0, 20000))
def test_without_minimums_every_request_of_a_higher_tier_fills_at_least_as_well(raw, stock):
    result = allocate(stock, build(raw))
    for a in result.shares:
        for b in result.shares:
            if a.ask.tier < b.ask.tier:
                assert a.fill_rate >= b.fill_rate


@given(asks_strategy, st.integers(0, 5000))
def test_the_order_of_the_requests_does_not_change_anyones_share(raw, stock):
    asks = build(raw)
    assert got(allocate(stock, asks)) == got(allocate(stock, list(reversed(asks))))
