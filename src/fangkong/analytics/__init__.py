"""Pure estimators for the command centre's judgement (numpy, scipy, polars; no Django).

Each function names the published method it follows and is tested against that method's own
reference numbers (../shared/validation).
"""

from .errors import BadSeries
from .rt import RtMatrix, discretised_si, estimate_rt, estimate_rt_many

__all__ = ["BadSeries", "RtMatrix", "discretised_si", "estimate_rt", "estimate_rt_many"]
