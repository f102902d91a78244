"""`fangkong supplies allocate --stock N --requests REQUESTS.csv [--reserve 0.1] --out ALLOCATION.csv`: the
allocation rule on a file, the same function the pages and the API call (allocation.allocate)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fangkong.errors import InputRefused
from fangkong.supplies import allocation as rule
from fangkong.supplies import services


class Command(BaseCommand):
    help = "Supplies: allocate one item's stock over the requests of a CSV by the rule (紧平衡)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        allocate = commands.add_parser("allocate", help="unit,tier,need,minimum in; unit,tier,need,minimum,"
                                                        "allocated out")
        allocate.add_argument("--stock", required=True, help="units on hand, a whole number")
        allocate.add_argument("--requests", required=True, help="REQUESTS.csv: unit,tier,need,minimum")
        allocate.add_argument("--reserve", default="0.1", help="the part held back, 0 to <1 (default 0.1)")
        allocate.add_argument("--out", required=True, help="ALLOCATION.csv to write")

    def handle(self, *args, command, stock, requests, reserve, out, **options):
        try:
            problems = services.Problems()
            units = services.whole(stock, "stock", problems, least=0)
            problems.refuse_if_any()
            share = services.check_reserve(reserve)
            try:
                text = Path(requests).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"--requests: cannot read {requests}: {error}") from None
            asks = services.read_requests_csv(text)
        except InputRefused as refused:
            raise CommandError("\n".join(p.text for p in refused.problems)) from None
        result = rule.allocate(units, asks, reserve=share)
        Path(out).write_text(services.write_allocation_csv(result), encoding="utf-8")
        where = f"; cut at tier {result.cut[1]} ({result.cut[0]}, rate {result.rate})" if result.cut else ""
        self.stdout.write(f"available {result.available} of {result.stock}; allocated {result.allocated} to "
                          f"{len(asks)} request(s){where}")
