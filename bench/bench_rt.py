"""P7: R_t (Cori et al. 2013) for 3,000 places x 365 days at once, against epyestim on the same data.

    python bench/bench_rt.py [--places 3000] [--days 365] [--reference-places 100]

`fangkong.analytics.estimate_rt_many` does every place in one pass (one matrix product for the
infectiousness, cumulative sums for the windows, vectorised gamma quantiles). The baseline, in the
same run, is epyestim 0.1's `estimate_r` (the Python port of EpiEstim's method) called place by
place on `--reference-places` of the places, with the same discretised serial interval; its time is
scaled to all places. The posterior means and 97.5 % quantiles must agree.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from fangkong.analytics import discretised_si, estimate_rt_many  # noqa: E402

SI_MEAN, SI_SD, WINDOW = 4.7, 2.9, 7


def synthetic_epidemics(places: int, days: int, seed: int = 11) -> np.ndarray:
    """Daily counts with a growth rate that drifts in time and differs by place."""
    rng = np.random.default_rng(seed)
    rates = np.cumsum(rng.normal(0, 0.01, size=(places, days)), axis=1) + rng.uniform(-0.02, 0.05, (places, 1))
    expected = np.exp(np.clip(np.log(rng.uniform(1, 20, (places, 1))) + np.cumsum(rates, axis=1), -5, 9))
    return rng.poisson(expected)


def epyestim_reference(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    import pandas as pd
    from epyestim.estimate_r import estimate_r, gamma_quantiles

    days = counts.shape[1]
    w = discretised_si(days, SI_MEAN, SI_SD)
    index = pd.date_range("2026-01-01", periods=days)
    means, highs = [], []
    started = time.perf_counter()
    for row in counts:
        posterior = estimate_r(pd.Series(row, index=index), w, a_prior=1, b_prior=5,
                               window_size=WINDOW)
        a, b = posterior["a_posterior"].to_numpy(), posterior["b_posterior"].to_numpy()
        means.append(a * b)
        highs.append(gamma_quantiles(0.975, a, b))
    seconds = time.perf_counter() - started
    # epyestim's first row is the window ending on day 7 (it counts day 1 as local); EpiEstim's first ends on day 8.
    return np.array(means)[:, 1:], np.array(highs)[:, 1:], seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--places", type=int, default=3000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--reference-places", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    counts = synthetic_epidemics(args.places, args.days)
    estimate_rt_many(counts[:10], si_mean=SI_MEAN, si_sd=SI_SD, window=WINDOW)  # import and warm up
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        ours = estimate_rt_many(counts, si_mean=SI_MEAN, si_sd=SI_SD, window=WINDOW)
        times.append(time.perf_counter() - started)
    best, median = min(times), sorted(times)[len(times) // 2]
    subset = counts[: args.reference_places]
    means, highs, reference_seconds = epyestim_reference(subset)
    scaled = reference_seconds / args.reference_places * args.places
    mean_gap = np.max(np.abs(means - ours.mean[: args.reference_places]) / means)
    high_gap = np.max(np.abs(highs - ours.q975[: args.reference_places]) / highs)
    print(f"places {args.places:,} x days {args.days}, window {WINDOW}, SI mean {SI_MEAN} sd {SI_SD}: "
          f"{args.places * ours.mean.shape[1]:,} posterior windows")
    print(f"estimate_rt_many  median {median * 1000:.0f} ms, best {best * 1000:.0f} ms over {args.runs} runs")
    print(f"epyestim 0.1      {reference_seconds:.2f} s for {args.reference_places} places, "
          f"= {scaled:.1f} s scaled to {args.places:,}")
    print(f"ratio             {scaled / median:.0f}x faster than epyestim place by place")
    print(f"agreement         largest relative gap: mean {mean_gap:.1e}, 97.5% quantile {high_gap:.1e} "
          f"({'agree to 1e-6' if max(mean_gap, high_gap) < 1e-6 else 'DISAGREE'})")


if __name__ == "__main__":
    main()
