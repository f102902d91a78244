"""The `fangkong` command: Django's management commands with the settings preset; `analytics`, `roster`, `exposure`."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["analytics"]:  # pure estimators on files: no settings, no database
        from fangkong.analytics.cli import main as analytics

        sys.exit(analytics(sys.argv[2:]))
    if sys.argv[1:2] == ["roster"]:  # the benchmark's instances are files too: no settings, no database
        from fangkong.workforce.rostering.cli import main as roster

        sys.exit(roster(sys.argv[2:]))
    if sys.argv[1:2] == ["exposure"]:  # scans and windows are Parquet files: no settings, no database
        from fangkong.exposure.cli import main as exposure

        sys.exit(exposure(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    from django.core.management import execute_from_command_line

    from fangkong import actors

    with actors.acting(actors.CLI):
        execute_from_command_line(["fangkong", *sys.argv[1:]])


if __name__ == "__main__":
    main()
