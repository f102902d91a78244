"""Rostering without Django: the problem (problem.py), the benchmark's text format (instance.py), the one CP-SAT
model (solver.py), an evaluator written apart from the model (evaluate.py) and `fangkong roster solve` (cli.py).

The product's rosters (workforce/services.py) and the Curtois & Qu benchmark go through the same `solve`; the
product adds its rest rules by filling the same fields (forbidden successions from the minimum rest, days off
from health monitoring and rotation, a weekly cap on minutes, a hard minimum cover).
"""
