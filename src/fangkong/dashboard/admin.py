# The dashboard has no records of its own: every figure is computed from the other domains' rows.
