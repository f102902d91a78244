"""Each hard rule of the rostering model on a small problem where breaking it would lower the penalty: the solver
keeps it (the penalty is the one only the rule explains), the same problem without the rule solves cheaper, and
the separate evaluator finds that cheaper roster breaking exactly that rule."""

from dataclasses import replace

import pytest

from fangkong.workforce.rostering.evaluate import breaches, evaluate
from fangkong.workforce.rostering.problem import Cover, Problem, Shift, Staff
from fangkong.workforce.rostering.solver import solve, solve_units

SHIFT = 480
UNDER = 10


def person(**limits) -> Staff:
    values = {"id": "A", "max_shifts": {}, "max_minutes": 99 * SHIFT, "min_minutes": 0, "max_consecutive": 99,
              "min_consecutive": 1, "min_days_off": 1, "max_weekends": 99}
    return Staff(**{**values, **limits})


def wanted(days, horizon, over=1) -> list[Cover]:
    """One person wanted on the day shift of `days` (missing one costs UNDER), nobody on the others nor on a night
    (one too many costs `over`)."""
    return [Cover(d, "D", 1 if d in days else 0, UNDER, over) for d in range(horizon)] + [
        Cover(d, "N", 0, UNDER, max(over, 1)) for d in range(horizon)]


def problem(horizon=7, staff=None, cover=None, **more) -> Problem:
    return Problem(horizon=horizon, shifts=[Shift("D", SHIFT, 8 * 60), Shift("N", SHIFT, 20 * 60)],
                   staff=[staff or person()], cover=cover if cover is not None else wanted(range(horizon), horizon),
                   **more)


EVERY_DAY = problem()
CASES = {
    # a night then the next day's day shift is forbidden: night on day 0 and day on day 1 cannot both be covered
    "forbidden_succession": (problem(horizon=2, cover=[Cover(0, "N", 1, UNDER, 1), Cover(1, "D", 1, UNDER, 1)],
                                     forbidden={("N", "D"): "forbidden_succession"}), UNDER),
    "min_rest": (problem(horizon=2, cover=[Cover(0, "N", 1, UNDER, 1), Cover(1, "D", 1, UNDER, 1)],
                         forbidden={("N", "D"): "min_rest"}), UNDER),
    "days_off": (replace(EVERY_DAY, days_off={"A": {3: "days_off"}}), UNDER),
    "health_monitoring": (replace(EVERY_DAY, days_off={"A": {0: "health_monitoring", 1: "health_monitoring"}}),
                          2 * UNDER),
    "max_shifts": (problem(staff=person(max_shifts={"D": 5})), 2 * UNDER),
    "max_minutes": (problem(staff=person(max_minutes=5 * SHIFT)), 2 * UNDER),
    # nobody wanted, but the person must work two shifts: two over the cover
    "min_minutes": (problem(staff=person(min_minutes=2 * SHIFT), cover=wanted((), 7)), 2),
    # 7 days wanted, at most 3 in a row: 3 on, 1 off, 3 on
    "max_consecutive_shifts": (problem(staff=person(max_consecutive=3)), UNDER),
    # only day 3 wanted; a run inside the horizon is at least 3 long: two days over the cover
    "min_consecutive_shifts": (problem(staff=person(min_consecutive=3), cover=wanted({3}, 7)), 2),
    # every day wanted but day 3 (being there costs UNDER): a single day off inside the horizon is too short
    "min_consecutive_days_off": (problem(staff=person(min_days_off=2), cover=wanted(set(range(7)) - {3}, 7,
                                                                                    over=UNDER)), UNDER),
    # both weekends wanted on Saturday only; one weekend at most: the second Saturday goes uncovered
    "max_weekends": (problem(horizon=14, staff=person(max_weekends=1), cover=wanted({5, 12}, 14, over=0)), UNDER),
    "max_minutes_per_week": (problem(staff=person(max_minutes_per_week=4 * SHIFT)), 3 * UNDER),
}


def without(rule: str, p: Problem) -> Problem:
    """The same problem with that one rule dropped."""
    loose = replace(p.staff[0], max_shifts={}, max_minutes=99 * SHIFT, min_minutes=0, max_consecutive=99,
                    min_consecutive=1, min_days_off=1, max_weekends=99, max_minutes_per_week=None)
    if rule in ("forbidden_succession", "min_rest"):
        return replace(p, forbidden={})
    if rule in ("days_off", "health_monitoring"):
        return replace(p, days_off={})
    return replace(p, staff=[loose])


@pytest.mark.parametrize("rule", CASES)
def test_the_solver_keeps_each_hard_rule_where_breaking_it_would_be_cheaper(rule):
    ruled, penalty = CASES[rule]
    result = solve(ruled, seconds=10, workers=1)
    assert result.status == "optimal" and result.penalty == penalty
    check = evaluate(ruled, result.roster)
    assert check.penalty == penalty and check.breaches == []

    loose = solve(without(rule, ruled), seconds=10, workers=1)
    assert loose.penalty < penalty
    assert {b.rule for b in breaches(ruled, loose.roster)} == {rule}


def test_a_weekend_counts_as_worked_if_either_day_is():
    ruled = problem(horizon=14, staff=person(max_weekends=1), cover=wanted({5, 13}, 14, over=0))
    assert solve(ruled, seconds=10, workers=1).penalty == UNDER
    assert {b.rule for b in breaches(ruled, {("A", 5): "D", ("A", 13): "D"})} == {"max_weekends"}


def test_minimum_runs_do_not_bind_at_the_ends_of_the_horizon():
    ruled = problem(staff=person(min_consecutive=3, min_days_off=3), cover=wanted({0, 6}, 7))
    result = solve(ruled, seconds=10, workers=1)
    assert result.penalty == 0 and result.roster == {("A", 0): "D", ("A", 6): "D"}


def test_a_cover_minimum_no_staff_can_meet_is_infeasible_and_says_why():
    short = problem(horizon=3, cover=[Cover(1, "D", 2, UNDER, 1, minimum=2)])
    result = solve(short, seconds=10, workers=1)
    assert result.status == "infeasible" and result.conflict == [("cover_minimum", (1, "D"))]


def test_an_infeasible_roster_names_the_rules_that_clash():
    clash = replace(problem(horizon=3, cover=[Cover(1, "D", 1, UNDER, 1, minimum=1)]),
                    days_off={"A": {1: "health_monitoring"}})
    result = solve(clash, seconds=10, workers=1)
    assert result.status == "infeasible"
    assert sorted(result.conflict) == [("cover_minimum", (1, "D")), ("health_monitoring", "A")]


def test_units_sharing_a_time_limit_are_each_solved_as_alone():
    units = [CASES["max_consecutive_shifts"][0], CASES["days_off"][0], CASES["max_weekends"][0]]
    together = solve_units(units, seconds=20, workers=1)
    assert [r.penalty for r in together] == [CASES[k][1] for k in ("max_consecutive_shifts", "days_off",
                                                                   "max_weekends")]
    assert all(r.status == "optimal" and not breaches(u, r.roster) for u, r in zip(units, together))
