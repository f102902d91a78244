"""Venue-scan exposure matching on Parquet files (issue 13 §5): no Django, no settings, no database.

`engine.match_files` joins the scans (`scans/day=YYYY-MM-DD/*.parquet`) with the cases' exposure windows in
DuckDB (embedded) or Spark (local mode, or a cluster through Spark Connect) and writes the matches as Parquet;
`cli.py` is `fangkong exposure match`.
"""
