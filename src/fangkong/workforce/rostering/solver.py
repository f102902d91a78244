"""The one CP-SAT model of a rostering Problem, for the product's rosters and the benchmark alike.

Hard rules are constraints; the soft ones (shift-on and shift-off requests, cover under and over the
requirement) are the weighted objective. Runs are read as the benchmark defines them: a minimum run of shifts or
of days off binds only runs with a neighbour inside the horizon on both sides, a weekend is worked if either day is,
nothing is checked across the ends of the horizon.

The search (solve), for a small model (SPLIT_MAX_CHOICES): CP-SAT on the whole model in workers - 1 threads and,
in another, a neighbourhood search that keeps re-solving small parts of the best roster so far with CP-SAT (see
_Neighbourhoods); a bigger model is left to CP-SAT's own portfolio of workers. The whole-model search on one
worker is CP-SAT's sequential search with its LP and cuts, which raises the lower bound far faster than its
two-worker portfolio (instance 4: about 1,550 against 200 in the same CPU seconds; its second worker is spent on
generic neighbourhoods and first-solution heuristics); the neighbourhoods improve whichever roster is best.

When there is no roster, `solve` says which rules make it so: the model is built again with one literal per rule
and person (or per day and shift for a minimum cover), each rule enforced only if its literal holds, and CP-SAT
is asked which of those assumptions suffice for infeasibility.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .problem import WEEK, Problem, Roster

DIAGNOSIS_SECONDS = 30.0
# Person-day-shift choices up to which solve splits the workers between CP-SAT's whole-model search and the
# neighbourhood search. Each small model of the neighbourhood search is the whole model cloned and presolved again,
# a cost that grows with the unit, not with the neighbourhood: measured, the split wins on the benchmark's
# instances (instance 2, 392 choices: 828 in 2-5 CPU s where CP-SAT's two-worker portfolio had not reached it after
# 6; instance 4, 560: bound about 1,550 against 200) and loses on a P8 ward (50 staff x 28 days x 3 shifts, 4,200:
# 18,593 after 60 s against the portfolio's 3,234). The limit between is a judgement, not a measured optimum.
SPLIT_MAX_CHOICES = 2000


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


class _Incumbent:
    """The best roster so far, shared by the full search (CP-SAT's threads) and the neighbourhood search."""

    def __init__(self, started: float, report: Callable | None, target: int | None):
        self.started, self.report, self.target = started, report, target
        self.lock = threading.Lock()
        self.values: dict[int, int] | None = None  # proto index of each x variable -> 0 or 1
        self.penalty: int | None = None
        self.bound = 0
        self.seen: list[tuple[float, int, int]] = []
        self.found, self.reached = threading.Event(), threading.Event()

    def offer(self, values: dict[int, int], penalty: int, bound: int | None = None) -> None:
        with self.lock:
            if bound is not None:
                self.bound = max(self.bound, bound)
            if self.penalty is not None and penalty >= self.penalty:
                return
            self.values, self.penalty = values, penalty
            point = (time.monotonic() - self.started, penalty, self.bound)
            self.seen.append(point)
            if self.report:
                self.report(*point)
        self.found.set()
        if self.target is not None and penalty <= self.target:
            self.reached.set()

    def best(self) -> tuple[int, dict[int, int]]:
        with self.lock:
            return self.penalty, self.values


class _FullSearch(cp_model.CpSolverSolutionCallback):
    def __init__(self, incumbent: _Incumbent, variables: list):
        super().__init__()
        self.incumbent, self.variables = incumbent, variables

    def on_solution_callback(self) -> None:
        self.incumbent.offer({v.Index(): int(self.BooleanValue(v)) for v in self.variables},
                             round(self.ObjectiveValue()), round(self.BestObjectiveBound()))
        if self.incumbent.reached.is_set():
            self.StopSearch()


def _solver(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # The cuts of level 2 find the benchmark's optima sooner and raise the bound (instance 4 reached 1,718 in 90 s at
    # the default level, 1,716 at level 2, on two workers).
    solver.parameters.linearization_level = 2
    return solver


class _Neighbourhoods:
    """Large neighbourhood search over the roster: a few people's rosters (or a few days of everyone's) set free
    and the rest fixed, each such small model solved by CP-SAT on one worker. Three kinds, drawn at random:

    - keep_cover: the free people keep, between them, the cover of every day and shift they have now: the cover
      penalty cannot change, so the small model is solved to optimality in tens of milliseconds (instance 4:
      20-140 ms for 2-6 people); it trades shifts and days between people to
      meet requests and rules (an exchange of several people's weeks at once, not one shift at a time);
    - people, days: some people, or some days of everyone, set free entirely, the cover too: where under-cover
      is removed.

    Each kind's size adapts: larger while its models are solved to optimality within the work limit, smaller
    when they are not. CP-SAT's own neighbourhoods are generic (random variables and constraints); these follow
    the roster's rows and columns."""

    KINDS = ("keep_cover", "people", "days")
    WORK = 0.2  # deterministic seconds (a machine-independent unit of CP-SAT's work) per small model

    def __init__(self, built: _Model, seed: int):
        self.built, self.rng = built, random.Random(seed)
        problem = built.problem
        self.people = [e.id for e in problem.staff]
        self.cells: dict[tuple[str, int], list[int]] = {}
        for (e, d, _), var in built.x.items():
            self.cells.setdefault((e, d), []).append(var.Index())
        self.size = {"keep_cover": 3 / len(self.people), "people": 0.2, "days": 0.2}

    def _free(self, kind: str) -> tuple[set[tuple[str, int]], set[str]]:
        horizon, people, size = self.built.problem.horizon, self.people, self.size[kind]
        if kind == "days":
            width = max(1, min(horizon, round(size * horizon)))
            first = self.rng.randrange(horizon - width + 1)
            return {(e, d) for e in people for d in range(first, first + width)}, set(people)
        chosen = set(self.rng.sample(people, min(len(people), max(2, round(size * len(people))))))
        return {(e, d) for e in chosen for d in range(horizon)}, chosen

    def start(self, incumbent: _Incumbent, hint: Roster, seconds: float) -> None:
        """The hint as the first incumbent, if it keeps the rules: its penalty counted by the model with every shift
        fixed (a big unit's full search may take long to find a first roster even from a hint)."""
        model = self.built.model.clone()
        model.ClearHints()
        values = {var.Index(): int(hint.get((e, d)) == s) for (e, d, s), var in self.built.x.items()}
        for i, value in values.items():
            domain = model.proto.variables[i].domain
            domain[0] = domain[1] = value
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = seconds
        if solver.Solve(model) == cp_model.OPTIMAL:
            incumbent.offer(values, round(solver.ObjectiveValue()))

    def step(self, incumbent: _Incumbent, seconds: float) -> None:
        penalty, values = incumbent.best()
        kind = self.rng.choice(self.KINDS)
        free, chosen = self._free(kind)
        model = self.built.model.clone()
        model.ClearHints()
        loose = {i for cell in free for i in self.cells[cell]}
        for i, value in values.items():
            if i in loose:
                model.AddHint(model.GetBoolVarFromProtoIndex(i), value)
            else:
                domain = model.proto.variables[i].domain
                domain[0] = domain[1] = value
        if kind == "keep_cover":
            x = self.built.x
            for d in range(self.built.problem.horizon):
                for s in self.built.problem.shift_ids:
                    column = [x[e, d, s].Index() for e in chosen]
                    model.Add(sum(model.GetBoolVarFromProtoIndex(i) for i in column) == sum(values[i] for i in column))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = self.rng.randrange(1 << 30)
        solver.parameters.max_deterministic_time = self.WORK
        solver.parameters.max_time_in_seconds = seconds
        status = solver.Solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and round(solver.ObjectiveValue()) < penalty:
            incumbent.offer({i: int(solver.Value(model.GetBoolVarFromProtoIndex(i))) for i in values},
                            round(solver.ObjectiveValue()))
        grow = 1.1 if status == cp_model.OPTIMAL else 1 / 1.1
        self.size[kind] = min(1.0, max(0.02, self.size[kind] * grow))


def solve(problem: Problem, seconds: float = 60.0, workers: int = 2, seed: int = 0,
          on_progress: Callable[[float, int, int], None] | None = None, hint: Roster | None = None,
          target: int | None = None) -> Result:
    """The best roster found within `seconds`; on_progress(seconds, penalty, bound) at each better one. `hint`: a
    roster to start from; `target`: stop at a penalty this low (a known optimum: the benchmark's time to it).

    With two workers or more and a small model (SPLIT_MAX_CHOICES), one worker runs the neighbourhood search
    (_Neighbourhoods) from the best roster so far while the others run CP-SAT on the whole model, which finds the
    first rosters and proves the bound; both offer their rosters to one incumbent. Otherwise CP-SAT alone."""
    started = time.monotonic()
    deadline = started + seconds
    built = _Model(problem)
    if hint is not None:
        for (e, d, s), var in built.x.items():
            built.model.AddHint(var, hint.get((e, d)) == s)
    incumbent = _Incumbent(started, on_progress, target)
    split = workers > 1 and len(built.x) <= SPLIT_MAX_CHOICES
    solver = _solver(seconds, workers - 1 if split else workers, seed)
    answer = {}
    full = threading.Thread(target=lambda: answer.update(status=solver.Solve(
        built.model, _FullSearch(incumbent, list(built.x.values())))))
    full.start()
    if split:
        neighbourhoods = _Neighbourhoods(built, seed)
        if hint is not None:
            neighbourhoods.start(incumbent, hint, seconds)
        while full.is_alive() and not incumbent.found.wait(0.05):
            pass
        while full.is_alive() and not incumbent.reached.is_set() and (left := deadline - time.monotonic()) > 0.01:
            neighbourhoods.step(incumbent, left)
        solver.StopSearch()
    full.join()
    elapsed = time.monotonic() - started
    status = answer["status"]
    if incumbent.penalty is not None:
        bound = max(incumbent.bound, round(solver.BestObjectiveBound()))
        x = {var.Index(): key for key, var in built.x.items()}
        roster = {(e, d): s for i, (e, d, s) in x.items() if incumbent.values[i]}
        return Result("optimal" if incumbent.penalty <= bound else "feasible", incumbent.penalty,
                      min(bound, incumbent.penalty), roster, elapsed, incumbent.seen)
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
