"""Pure estimators for the command centre's judgement (numpy, scipy, polars; no Django).

Each function names the published method it follows and is tested against that method's own
reference numbers (the data in tests/data/, its sources in tests/data/README.md).
"""

from .aberration import cusum, ears, farrington_flexible, farrington_threshold, noufaily_threshold
from .errors import BadSeries
from .growth import growth_rate, r0_generation_time, reproduction_number_from_growth
from .pooling import best_pool_size, dorfman_tests_per_person
from .rt import RtMatrix, discretised_si, estimate_rt, estimate_rt_many
from .sir import Disposition, SirParameters, project

__all__ = [
    "BadSeries", "Disposition", "RtMatrix", "SirParameters", "best_pool_size", "cusum", "discretised_si",
    "dorfman_tests_per_person", "ears", "estimate_rt", "estimate_rt_many", "farrington_flexible",
    "farrington_threshold", "growth_rate",
    "noufaily_threshold", "project", "r0_generation_time", "reproduction_number_from_growth",
]
