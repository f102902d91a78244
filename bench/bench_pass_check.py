"""P-M20: a green-channel pass checked at a checkpoint over HTTP, served the production way (gunicorn, PostgreSQL).

    python bench/bench_pass_check.py [--passes 20000] [--checks 1000] [--workers 2] [--port 8105]

Issues `--passes` passes (once), starts gunicorn and posts `/api/v1/checkpoints/{id}/pass-checks` one after another,
as a checkpoint's phone does, for random passes (a tenth revoked, checked refused), and prints p50/p95/p99 of the
answer time. The baseline in the same run is a cheap authenticated API read (`GET /api/v1/passes?page_size=1`): the
floor of a token-checked call through the same stack. Uses and keeps the database of bench_coverage.py
(`fk_bench_registers_1m`), adding the passes to it.
"""

import argparse
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import ROOT, percentile, use_postgres


def serve(port: int, workers: int) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "gunicorn"), "fangkong.wsgi:application", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120", "--log-level", "warning"]
    server = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=30)
            return server
        except (urllib.error.URLError, OSError):  # refused while it starts, or slow on a loaded machine
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


def ensure_passes(count: int, actor) -> list[tuple[str, str, bool]]:
    from django.utils import timezone

    from fangkong.passes import services
    from fangkong.passes.models import Pass, PassStatus

    have = Pass.objects.count()
    today = timezone.localdate()
    rng = random.Random(9)
    for index in range(have, count):
        issued = services.issue_pass(actor, services.PassInput(
            jurisdiction_code="420100", plate=f"鄂A{index:05d}", use="supply", carrier="物流公司", driver_name="司机",
            route_from="420100", route_to=rng.choice(["110000", "310000", "440100"]), valid_from=today,
            valid_to=today + dt.timedelta(days=20)))
        if index % 10 == 0:
            services.revoke_pass(actor, issued.pk, reason="bench")
    return [(p.number, p.plate, p.status == PassStatus.ACTIVE)
            for p in Pass.objects.filter(valid_to__gte=today, valid_from__lte=today)]


def timed_call(request) -> tuple[float, dict]:
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as answer:
        body = json.loads(answer.read())
    return (time.perf_counter() - started) * 1000, body


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=20_000)
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--database", default="fk_bench_registers_1m")
    args = parser.parse_args()
    use_postgres(args.database)
    from django.utils import timezone

    from fangkong.accounts.models import Role, User
    from fangkong.accounts.services import create_token
    from fangkong.checkpoints.models import Checkpoint
    from fangkong.checkpoints.services import add_checkpoint
    from fangkong.jurisdictions.models import Jurisdiction, Level

    city = Jurisdiction.objects.get(level=Level.CITY)
    actor, _ = User.objects.get_or_create(username="bench-command", defaults={"role": Role.COMMAND,
                                                                             "jurisdiction": city.parent})
    post = Checkpoint.objects.filter(name="bench exit").first() or add_checkpoint(
        actor, name="bench exit", kind="highway_exit", jurisdiction_code=city.code)
    started = time.perf_counter()
    passes = ensure_passes(args.passes, actor)
    print(f"{len(passes):,} passes valid today ({time.perf_counter() - started:.0f} s to issue the missing ones)")
    token = create_token(actor.username, name="bench-pass")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    server = serve(args.port, args.workers)
    try:
        base = f"http://127.0.0.1:{args.port}/api/v1"
        rng, checks, floor, wrong = random.Random(5), [], [], 0
        tested = (timezone.now() - dt.timedelta(hours=6)).isoformat()
        for index in range(args.checks + 20):
            number, plate, active = rng.choice(passes)
            body = json.dumps({"pass_number": number, "plate": plate, "health_code": "green", "tested_at": tested})
            took, answer = timed_call(urllib.request.Request(f"{base}/checkpoints/{post.pk}/pass-checks",
                                                             data=body.encode(), headers=headers, method="POST"))
            wrong += answer["valid"] != active
            took_floor, _ = timed_call(urllib.request.Request(f"{base}/passes?page_size=1", headers=headers))
            if index >= 20:  # the first calls open the workers' connections
                checks.append(took)
                floor.append(took_floor)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"pass checks over HTTP ({args.checks}, {args.workers} workers): p50 {percentile(checks, 50):.1f} ms, "
          f"p95 {percentile(checks, 95):.1f} ms, p99 {percentile(checks, 99):.1f} ms; verdicts wrong: {wrong}")
    print(f"baseline GET /api/v1/passes?page_size=1: p50 {percentile(floor, 50):.1f} ms, "
          f"p99 {percentile(floor, 99):.1f} ms")


if __name__ == "__main__":
    main()
