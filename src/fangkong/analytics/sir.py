"""A SIR projection with hospital admissions and census, in the manner of CHIME (Penn Medicine).

CHIME (CodeForPhilly/chime, penn_chime/model/sir.py) back-projects the epidemic from today's
hospital census: the number infected when the first patient was admitted is
1 / market_share / hospitalisation_rate; the growth rate comes from the doubling time before
distancing; contact falls by `relative_contact_rate` from the mitigation day on. Each disposition
(hospital, ICU, ventilator) is a share of everyone ever infected; admissions are its daily
increase; the census is admissions summed over the length of stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .errors import BadSeries


@dataclass(frozen=True)
class Disposition:
    rate: float  # share of infected people who need it
    days: int  # length of stay


@dataclass(frozen=True)
class SirParameters:
    population: int
    current_hospitalized: int
    doubling_time: float  # days, before distancing
    infectious_days: float = 14
    market_share: float = 1.0  # share of the area's patients our hospitals take
    relative_contact_rate: float = 0.0  # how much distancing cut contacts, 0..1
    mitigation_day: int | None = None  # days from today when distancing began (0 = today, -3 = three days ago)
    n_days: int = 60
    recovered: float = 0.0
    dispositions: dict[str, Disposition] = field(default_factory=lambda: {"hospitalized": Disposition(0.025, 7)})


@dataclass(frozen=True)
class Projection:
    i_day: int  # days since the first admission, as fitted to today's census
    intrinsic_growth_rate: float
    r_naught: float
    r_t: float
    doubling_time_t: float
    day: np.ndarray  # relative to today: -i_day .. n_days
    susceptible: np.ndarray
    infected: np.ndarray
    recovered: np.ndarray
    admits: dict[str, np.ndarray]
    census: dict[str, np.ndarray]


def growth_rate_from_doubling_time(doubling_time: float | None) -> float:
    """Daily growth 2^(1/Td) - 1 (CHIME's get_growth_rate); 0 when there is no doubling time."""
    if doubling_time is None or doubling_time == 0:
        return 0.0
    return 2.0 ** (1.0 / doubling_time) - 1.0


def sir_step(s: float, i: float, r: float, beta: float, gamma: float, n: float) -> tuple[float, float, float]:
    """One day of the discrete SIR model, renormalised to the population n."""
    s_next = -beta * s * i + s
    i_next = beta * s * i - gamma * i + i
    r_next = gamma * i + r
    scale = n / (s_next + i_next + r_next)
    return s_next * scale, i_next * scale, r_next * scale


def project(p: SirParameters, *, worst_case: bool = False) -> Projection:
    """Project cases and beds `n_days` ahead; `worst_case` assumes distancing achieves nothing."""
    _check(p)
    if worst_case:
        p = replace(p, relative_contact_rate=0.0)
    first = p.dispositions["hospitalized"].rate
    infected = 1.0 / p.market_share / first
    susceptible = p.population - infected
    gamma = 1.0 / p.infectious_days
    growth = growth_rate_from_doubling_time(p.doubling_time)
    beta = (growth + gamma) / susceptible
    beta_t = (growth + gamma) / susceptible * (1.0 - p.relative_contact_rate)

    def run(i_day: int, policy: list[tuple[float, int]]) -> dict:
        return _simulate(susceptible, infected, p, gamma, i_day, policy)

    if p.mitigation_day is None:
        seed = run(0, [(beta, p.n_days)])
        census = seed["census"]["hospitalized"]
        peak = int(census.argmax())
        i_day = int(((census[:peak] - p.current_hospitalized) ** 2).argmin())
        raw = run(i_day, _policy(p, beta, beta_t, i_day))
    else:
        i_day, raw, best = -1, None, float("inf")
        for candidate in range(p.n_days):
            trial = run(candidate, _policy(p, beta, beta_t, candidate))
            census = trial["census"]["hospitalized"]
            if census.argmax() < candidate:  # a fit that puts the peak in the past is not taken
                continue
            loss = (census[candidate] - p.current_hospitalized) ** 2
            if loss < best:
                i_day, raw, best = candidate, trial, loss
        if raw is None:
            raise BadSeries("current_hospitalized", "no start date fits today's census before the peak")
    return Projection(
        i_day=i_day, intrinsic_growth_rate=growth,
        r_naught=beta / gamma * susceptible, r_t=beta_t / gamma * susceptible,
        doubling_time_t=1.0 / np.log2(beta_t * susceptible - gamma + 1),
        day=raw["day"], susceptible=raw["s"], infected=raw["i"], recovered=raw["r"],
        admits=raw["admits"], census=raw["census"],
    )


def _policy(p: SirParameters, beta: float, beta_t: float, i_day: int) -> list[tuple[float, int]]:
    mitigation_day = max(p.mitigation_day or 0, -i_day)
    before = i_day + mitigation_day
    return [(beta, before), (beta_t, i_day + p.n_days - before)]


def _simulate(s: float, i: float, p: SirParameters, gamma: float, i_day: int,
              policy: list[tuple[float, int]]) -> dict:
    r = float(p.recovered)
    n = s + i + r
    total = 1 + sum(days for _, days in policy)
    states = np.empty((total, 3))
    index = 0
    for beta, days in policy:
        for _ in range(days):
            states[index] = s, i, r
            s, i, r = sir_step(s, i, r, beta, gamma, n)
            index += 1
    states[index] = s, i, r
    ever_infected = states[:, 1] + states[:, 2]
    admits, census = {}, {}
    for key, disposition in p.dispositions.items():
        ever = ever_infected * disposition.rate * p.market_share
        admits[key] = np.concatenate([[np.nan], np.diff(ever)])
        running = np.concatenate([np.zeros(disposition.days + 1), np.cumsum(admits[key][1:])])
        census[key] = running[disposition.days:] - running[:-disposition.days]
    return {"day": np.arange(-i_day, -i_day + total), "s": states[:, 0], "i": states[:, 1], "r": states[:, 2],
            "admits": admits, "census": census}


def _check(p: SirParameters) -> None:
    if p.population <= 0:
        raise BadSeries("population", "the population must be positive")
    if "hospitalized" not in p.dispositions:
        raise BadSeries("dispositions", 'the dispositions need a "hospitalized" rate')
    if not 0 < p.market_share <= 1:
        raise BadSeries("market_share", "the market share is a share above 0 and at most 1")
    if not 0 <= p.relative_contact_rate < 1:
        raise BadSeries("relative_contact_rate", "the relative contact rate is a share from 0 up to 1")
    if p.infectious_days <= 0:
        raise BadSeries("infectious_days", "the infectious period must be positive")
    if p.doubling_time is None or p.doubling_time == 0:
        raise BadSeries("doubling_time", "give the doubling time before distancing, in days")
    for key, disposition in p.dispositions.items():
        if not 0 < disposition.rate <= 1 or disposition.days < 1:
            raise BadSeries("dispositions", f"{key}: the rate is a share above 0 and the stay at least one day")
