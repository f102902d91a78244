"""A deterministic synthetic city for demos, tests and benchmarks (`fangkong seed`)."""
