"""An evaluator of a roster, written apart from the CP-SAT model: it walks each person's days in plain Python.

It recounts what the solver claims (the penalty, by kind) and it is the check of a hand edit: every hard rule a
roster breaks, with the person and the day. The benchmark's reading of runs applies (see solver.py): a minimum run
binds only runs with a neighbour inside the horizon on both sides, a weekend counts if either day is worked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .problem import WEEK, Problem, Roster


@dataclass(frozen=True)
class Breach:
    rule: str
    employee: str
    day: int | None  # the first day concerned; None for a rule over the whole horizon
    detail: str = ""


@dataclass
class Evaluation:
    penalty: int
    by_kind: dict[str, int]
    breaches: list[Breach]
    unmet_requests: list[tuple[str, object]] = field(default_factory=list)  # (kind, Request)
    cover_gaps: list[tuple[int, str, int, int]] = field(default_factory=list)  # (day, shift, staffed, requirement)


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of True."""
    runs, start = [], None
    for day, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = day
        elif not flag and start is not None:
            runs.append((start, day - start))
            start = None
    return runs


def breaches(problem: Problem, roster: Roster, employee: str | None = None) -> list[Breach]:
    out = []
    shift_ids = set(problem.shift_ids)
    for e in problem.staff:
        if employee is not None and e.id != employee:
            continue
        days = [roster.get((e.id, d)) for d in range(problem.horizon)]
        for d, s in enumerate(days):
            if s is not None and s not in shift_ids:
                out.append(Breach("one_shift_a_day", e.id, d, f"unknown shift {s}"))
        for d in range(problem.horizon - 1):
            rule = problem.forbidden.get((days[d], days[d + 1]))
            if rule:
                out.append(Breach(rule, e.id, d + 1, f"{days[d]} → {days[d + 1]}"))
        for d, rule in sorted(problem.days_off.get(e.id, {}).items()):
            if days[d] is not None:
                out.append(Breach(rule, e.id, d))
        counts = Counter(s for s in days if s is not None)
        for s, n in counts.items():
            if s in shift_ids and n > problem.max_shifts(e, s):
                out.append(Breach("max_shifts", e.id, None, f"{s}: {n} > {problem.max_shifts(e, s)}"))
        lengths = [problem.shift(s).minutes if s in shift_ids else 0 for s in days]
        total = sum(lengths)
        if total > e.max_minutes:
            out.append(Breach("max_minutes", e.id, None, f"{total} > {e.max_minutes}"))
        if total < e.min_minutes:
            out.append(Breach("min_minutes", e.id, None, f"{total} < {e.min_minutes}"))
        if e.max_minutes_per_week is not None:
            for start in range(max(1, problem.horizon - WEEK + 1)):
                week = sum(lengths[start:start + WEEK])
                if week > e.max_minutes_per_week:
                    out.append(Breach("max_minutes_per_week", e.id, start, f"{week} > {e.max_minutes_per_week}"))
                    break
        worked = [s is not None for s in days]
        for start, length in _runs(worked):
            if length > e.max_consecutive:
                out.append(Breach("max_consecutive_shifts", e.id, start, f"{length} > {e.max_consecutive}"))
            inside = start > 0 and start + length < problem.horizon
            if inside and length < e.min_consecutive:
                out.append(Breach("min_consecutive_shifts", e.id, start, f"{length} < {e.min_consecutive}"))
        for start, length in _runs([not w for w in worked]):
            inside = start > 0 and start + length < problem.horizon
            if inside and length < e.min_days_off:
                out.append(Breach("min_consecutive_days_off", e.id, start, f"{length} < {e.min_days_off}"))
        weekends = sum(1 for saturday, sunday in problem.weekends() if worked[saturday] or worked[sunday])
        if weekends > e.max_weekends:
            out.append(Breach("max_weekends", e.id, None, f"{weekends} > {e.max_weekends}"))
    if employee is None:
        for c in problem.cover:
            staffed = sum(1 for e in problem.staff if roster.get((e.id, c.day)) == c.shift)
            if staffed < c.minimum:
                out.append(Breach("cover_minimum", "", c.day, f"{c.shift}: {staffed} < {c.minimum}"))
    return out


def evaluate(problem: Problem, roster: Roster) -> Evaluation:
    by_kind = dict.fromkeys(("shift_on_request", "shift_off_request", "cover_under", "cover_over"), 0)
    unmet, gaps = [], []
    for r in problem.on_requests:
        if roster.get((r.employee, r.day)) != r.shift:
            by_kind["shift_on_request"] += r.weight
            unmet.append(("shift_on_request", r))
    for r in problem.off_requests:
        if roster.get((r.employee, r.day)) == r.shift:
            by_kind["shift_off_request"] += r.weight
            unmet.append(("shift_off_request", r))
    staffed = Counter((d, s) for (_, d), s in roster.items())
    for c in problem.cover:
        n = staffed[c.day, c.shift]
        by_kind["cover_under"] += max(0, c.requirement - n) * c.under_weight
        by_kind["cover_over"] += max(0, n - c.requirement) * c.over_weight
        if n != c.requirement:
            gaps.append((c.day, c.shift, n, c.requirement))
    return Evaluation(sum(by_kind.values()), by_kind, breaches(problem, roster), unmet, gaps)
