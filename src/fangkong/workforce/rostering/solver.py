"""The one CP-SAT model of a rostering Problem, for the product's rosters and the benchmark alike.

Hard rules are constraints; the soft ones (shift-on and shift-off requests, cover under and over the
requirement) are the weighted objective. Runs are read as the benchmark defines them: a minimum run of shifts or
of days off binds only runs with a neighbour inside the horizon on both sides, a weekend is worked if either day is,
nothing is checked across the ends of the horizon.

When there is no roster, `solve` says which rules make it so: the model is built again with one literal per rule
and person (or per day and shift for a minimum cover), each rule enforced only if its literal holds, and CP-SAT
is asked which of those assumptions suffice for infeasibility.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .problem import WEEK, Problem, Roster

DIAGNOSIS_SECONDS = 30.0


@dataclass
class Result:
    status: str  # optimal, feasible, infeasible, unknown (no roster within the time limit)
    penalty: int | None
    bound: int | None
    roster: Roster
    seconds: float
    progress: list[tuple[float, int, int]] = field(default_factory=list)  # (seconds, penalty, bound)
    conflict: list[tuple[str, object]] = field(default_factory=list)  # (rule, employee or (day, shift))


class _Model:
    def __init__(self, problem: Problem, guarded: bool = False):
        self.problem, self.guarded = problem, guarded
        self.model = cp_model.CpModel()
        self.guards: dict[tuple[str, object], cp_model.IntVar] = {}
        m, p = self.model, problem
        days = range(p.horizon)
        self.x = {(e.id, d, s.id): m.NewBoolVar(f"x_{e.id}_{d}_{s.id}") for e in p.staff for d in days
                  for s in p.shifts}
        self.works = {}
        for e in p.staff:
            for d in days:
                self.works[e.id, d] = w = m.NewBoolVar(f"w_{e.id}_{d}")
                m.Add(sum(self.x[e.id, d, s] for s in p.shift_ids) == w)  # one shift a day at most
        for e in p.staff:
            self._staff_rules(e)
        self._cover()

    def guard(self, rule: str, subject) -> list:
        if not self.guarded:
            return []
        key = (rule, subject)
        if key not in self.guards:
            self.guards[key] = self.model.NewBoolVar(f"{rule}:{subject}")
        return [self.guards[key]]

    def _staff_rules(self, e) -> None:
        m, p, x, w = self.model, self.problem, self.x, self.works
        horizon, ids = p.horizon, p.shift_ids
        for (first, then), rule in p.forbidden.items():
            for d in range(horizon - 1):
                m.AddBoolOr([x[e.id, d, first].Not(), x[e.id, d + 1, then].Not()]).OnlyEnforceIf(
                    self.guard(rule, e.id))
        for d, rule in p.days_off.get(e.id, {}).items():
            m.Add(w[e.id, d] == 0).OnlyEnforceIf(self.guard(rule, e.id))
        for s in ids:
            if p.max_shifts(e, s) < horizon:
                m.Add(sum(x[e.id, d, s] for d in range(horizon)) <= p.max_shifts(e, s)).OnlyEnforceIf(
                    self.guard("max_shifts", e.id))
        minutes = sum(p.shift(s).minutes * x[e.id, d, s] for d in range(horizon) for s in ids)
        m.Add(minutes <= e.max_minutes).OnlyEnforceIf(self.guard("max_minutes", e.id))
        m.Add(minutes >= e.min_minutes).OnlyEnforceIf(self.guard("min_minutes", e.id))
        if e.max_minutes_per_week is not None:
            for start in range(max(1, horizon - WEEK + 1)):
                week = range(start, min(start + WEEK, horizon))
                m.Add(sum(p.shift(s).minutes * x[e.id, d, s] for d in week for s in ids)
                      <= e.max_minutes_per_week).OnlyEnforceIf(self.guard("max_minutes_per_week", e.id))
        worked = [w[e.id, d] for d in range(horizon)]
        window = e.max_consecutive + 1
        for start in range(horizon - window + 1):
            m.Add(sum(worked[start:start + window]) <= e.max_consecutive).OnlyEnforceIf(
                self.guard("max_consecutive_shifts", e.id))
        self._minimum_runs(worked, e.min_consecutive, self.guard("min_consecutive_shifts", e.id))
        self._minimum_runs([v.Not() for v in worked], e.min_days_off, self.guard("min_consecutive_days_off", e.id))
        weekends = []
        for saturday, sunday in p.weekends():
            weekend = m.NewBoolVar(f"we_{e.id}_{saturday}")
            m.AddMaxEquality(weekend, [worked[saturday], worked[sunday]])
            weekends.append(weekend)
        if len(weekends) > e.max_weekends:
            m.Add(sum(weekends) <= e.max_weekends).OnlyEnforceIf(self.guard("max_weekends", e.id))

    def _minimum_runs(self, on: list, minimum: int, enforce: list) -> None:
        """No run of `on` shorter than `minimum` with an `off` day inside the horizon on either side."""
        horizon = len(on)
        for length in range(1, minimum):
            for start in range(1, horizon - length):
                run = on[start:start + length]
                self.model.AddBoolOr([on[start - 1], *[v.Not() for v in run], on[start + length]]).OnlyEnforceIf(
                    enforce)

    def _cover(self) -> None:
        m, p = self.model, self.problem
        self.terms = []
        for c in p.cover:
            staffed = sum(self.x[e.id, c.day, c.shift] for e in p.staff)
            if c.minimum:
                m.Add(staffed >= c.minimum).OnlyEnforceIf(self.guard("cover_minimum", (c.day, c.shift)))
            if c.under_weight:
                under = m.NewIntVar(0, c.requirement, f"under_{c.day}_{c.shift}")
                m.Add(under >= c.requirement - staffed)
                self.terms.append(c.under_weight * under)
            if c.over_weight:
                over = m.NewIntVar(0, len(p.staff), f"over_{c.day}_{c.shift}")
                m.Add(over >= staffed - c.requirement)
                self.terms.append(c.over_weight * over)
        self.terms += [r.weight * (1 - self.x[r.employee, r.day, r.shift]) for r in p.on_requests if r.weight]
        self.terms += [r.weight * self.x[r.employee, r.day, r.shift] for r in p.off_requests if r.weight]
        m.Minimize(sum(self.terms))

    def roster(self, value: Callable) -> Roster:
        return {(e, d): s for (e, d, s), v in self.x.items() if value(v)}


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float, report: Callable | None, target: int | None):
        super().__init__()
        self.started, self.report, self.target, self.seen = started, report, target, []

    def on_solution_callback(self) -> None:
        point = (time.monotonic() - self.started, round(self.ObjectiveValue()), round(self.BestObjectiveBound()))
        self.seen.append(point)
        if self.report:
            self.report(*point)
        if self.target is not None and point[1] <= self.target:
            self.StopSearch()


def _solver(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # The cuts of level 2 find the benchmark's optima far sooner (instance 4: 1,716 in about 35 s on 2 workers,
    # not reached in 90 s at the default level).
    solver.parameters.linearization_level = 2
    return solver


def solve(problem: Problem, seconds: float = 60.0, workers: int = 2, seed: int = 0,
          on_progress: Callable[[float, int, int], None] | None = None, hint: Roster | None = None,
          target: int | None = None) -> Result:
    """The best roster found within `seconds`; on_progress(seconds, penalty, bound) at each better one. `hint`: a
    roster to start from; `target`: stop at a penalty this low (a known optimum: the benchmark's time to it)."""
    started = time.monotonic()
    built = _Model(problem)
    if hint is not None:
        for (e, d, s), var in built.x.items():
            built.model.AddHint(var, hint.get((e, d)) == s)
    solver = _solver(seconds, workers, seed)
    progress = _Progress(started, on_progress, target)
    status = solver.Solve(built.model, progress)
    elapsed = time.monotonic() - started
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result("optimal" if status == cp_model.OPTIMAL else "feasible", round(solver.ObjectiveValue()),
                      round(solver.BestObjectiveBound()), built.roster(solver.BooleanValue), elapsed, progress.seen)
    if status == cp_model.INFEASIBLE:
        return Result("infeasible", None, None, {}, elapsed, conflict=conflict(problem, workers, seed))
    return Result("unknown", None, None, {}, elapsed)


def conflict(problem: Problem, workers: int = 2, seed: int = 0) -> list[tuple[str, object]]:
    """Rules (with the person, or the day and shift) that together leave no roster; empty if none found in time."""
    built = _Model(problem, guarded=True)
    literals = list(built.guards.values())
    built.model.AddAssumptions(literals)
    built.model.ClearObjective()
    solver = _solver(DIAGNOSIS_SECONDS, 1, seed)  # the assumption core is a single worker's
    if solver.Solve(built.model) != cp_model.INFEASIBLE:
        return []
    keys = list(built.guards)
    index = {lit.Index(): i for i, lit in enumerate(literals)}
    return [keys[index[i]] for i in solver.SufficientAssumptionsForInfeasibility()]


def first_roster(problem: Problem, seconds: float, seed: int = 0) -> Roster | None:
    """Any roster that keeps the hard rules, as cheaply as CP-SAT finds one: no objective, no presolve, no cuts,
    one worker (a city's wards need one each before any is improved)."""
    built = _Model(problem)
    built.model.ClearObjective()
    solver = _solver(seconds, 1, seed)
    solver.parameters.linearization_level = 0
    solver.parameters.cp_model_presolve = False
    if solver.Solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return built.roster(solver.BooleanValue)
    return None


def solve_units(problems: list[Problem], seconds: float = 60.0, workers: int = 2, seed: int = 0
                ) -> list[Result]:
    """Independent units (the wards of a hospital, the posts of a city) sharing one time limit: first a roster
    that keeps the rules for every unit, then the time left spent improving each from it; in both rounds a unit
    takes an equal share of what remains, so time a unit does not need passes to the next. A unit left with its
    first roster only has status "feasible" and no bound (None)."""
    started = time.monotonic()
    deadline = started + seconds
    firsts = []
    for i, problem in enumerate(problems):
        firsts.append(first_roster(problem, max(0.1, (deadline - time.monotonic()) / (len(problems) - i)), seed))
    results = []
    for i, (problem, first) in enumerate(zip(problems, firsts)):
        left = deadline - time.monotonic()
        if left > 0.2:
            better = solve(problem, left / (len(problems) - i), workers, seed, hint=first)
            if better.penalty is not None:
                results.append(better)
                continue
        results.append(Result("feasible", None, None, first, time.monotonic() - started) if first is not None
                       else Result("unknown", None, None, {}, time.monotonic() - started))
    return results
