"""P1: readings posted over HTTP to the app served the production way, at 1M people, 100k under observation.

    python bench/bench_readings.py [--population 1000000] [--observed 100000] [--seconds 30]
                                   [--workers 3] [--threads 1] [--connections 16] [--batch 25]

Starts gunicorn (the same WSGI app `fangkong serve` runs) on PostgreSQL, then posts
`/api/v1/readings` from a separate load process (wrk, C, so that the load generator costs the
2-core machine as little as possible), each request with a fresh `Idempotency-Key` for a random
person under observation. Prints sustained readings per second and latency percentiles, checks that
the readings stored equal the readings sent and answered created, and re-sends a key to check a
resubmission is counted once. Three runs: gunicorn's default (one sync worker, the baseline), the
tuned workers with one reading per request, and the same workers with `/api/v1/readings/batch`
(a phone syncing a round of visits, `--batch` readings per request). Needs `wrk` (Debian package
`wrk`). Uses and keeps the database `fk_bench_1m`.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import ROOT, ensure_city, use_postgres

LUA = """
local ids = {%(ids)s}
local run = "%(run)s"
local batch = %(batch)d
counter = 0
created = 0
threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(thread_id * 7919 + 17)
end

local function reading(with_key)
  counter = counter + 1
  local key = string.format("%%s-%%d-%%d", run, thread_id, counter)
  local body = string.format('"person_id": %%d, "temperature": %%.1f', ids[math.random(#ids)],
                             36.0 + math.random(0, 14) / 10)
  if with_key then body = body .. string.format(', "idempotency_key": "%%s"', key) end
  return "{" .. body .. "}", key
end

request = function()
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer %(token)s"
  if batch == 0 then
    local body, key = reading(false)
    headers["Idempotency-Key"] = key
    return wrk.format("POST", "/api/v1/readings", headers, body)
  end
  local items = {}
  for i = 1, batch do items[i] = reading(true) end
  return wrk.format("POST", "/api/v1/readings/batch", headers, '{"readings": [' .. table.concat(items, ",") .. ']}')
end

response = function(status, headers, body)
  if batch == 0 then
    if status == 201 then created = created + 1 end
  else
    local _, n = string.gsub(body, '"status": ?"created"', "")
    created = created + n
  end
end

done = function(summary, latency, requests)
  for _, q in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("percentile %%s %%.3f\\n", q, latency:percentile(q) / 1000))
  end
  local total, generated = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("created")
    generated = generated + thread:get("counter")
  end
  io.write(string.format("requests %%d\\n", summary.requests))
  io.write(string.format("created %%d\\n", total))
  io.write(string.format("generated %%d\\n", generated))
  io.write(string.format("non2xx %%d\\n", summary.errors.status))
  io.write(string.format("socket_errors %%d\\n", summary.errors.connect + summary.errors.read
                         + summary.errors.write + summary.errors.timeout))
end
"""


def bench_token() -> str:
    from fangkong.accounts.models import Role, User
    from fangkong.accounts.services import create_token
    from fangkong.jurisdictions.models import Jurisdiction

    root = Jurisdiction.objects.get(parent=None)
    user, _ = User.objects.get_or_create(username="bench-command",
                                         defaults={"role": Role.COMMAND, "jurisdiction": root})
    return create_token(user.username, name="bench")


def observed_person_ids(limit: int = 20000) -> list[int]:
    from fangkong.quarantine.models import Order, OrderStatus

    return list(Order.objects.filter(status=OrderStatus.ACTIVE).order_by("id")
                .values_list("person_id", flat=True)[:limit])


def serve(port: int, workers: int, threads: int) -> subprocess.Popen:
    worker_class = "gthread" if threads > 1 else "sync"
    command = [str(Path(sys.executable).parent / "gunicorn"), "fangkong.wsgi:application", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
               "--worker-class", worker_class, "--backlog", "2048", "--log-level", "warning"]
    server = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                              start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1)
            return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def stored(run: str) -> int:
    from fangkong.quarantine.models import Reading

    return Reading.objects.filter(idempotency_key__startswith=f"{run}-").count()


def load(port: int, token: str, ids: list[int], run: str, seconds: int, connections: int, batch: int) -> dict:
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(LUA % {"ids": ",".join(map(str, ids)), "run": run, "token": token, "batch": batch})
    output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                             "-s", str(script), f"http://127.0.0.1:{port}"],
                            capture_output=True, text=True, check=True).stdout
    figures = {f"p{q}": float(ms) for q, ms in re.findall(r"percentile ([\d.]+) ([\d.]+)", output)}
    for name in ("requests", "created", "generated", "non2xx", "socket_errors"):
        figures[name] = int(re.search(rf"{name} (\d+)", output).group(1))
    # wrk calls request() once more than it sends: on the first thread, to check the script.
    figures["sent"] = figures["generated"] - max(batch, 1)
    figures["rate"] = figures["created"] / seconds
    return figures


def resend_counts_once(port: int, token: str, person_id: int) -> bool:
    from fangkong.quarantine.models import Reading

    key = f"resend-{time.time_ns()}"
    body = f'{{"person_id": {person_id}, "temperature": 36.6}}'.encode()
    codes = []
    for _ in range(3):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/readings", data=body, method="POST",
                                         headers={"Content-Type": "application/json", "Idempotency-Key": key,
                                                  "Authorization": f"Bearer {token}"})
        codes.append(urllib.request.urlopen(request).status)
    return codes == [201, 200, 200] and Reading.objects.filter(idempotency_key=key).count() == 1


def measure(label: str, args, token: str, ids: list[int], workers: int, threads: int, batch: int, port: int) -> dict:
    run = f"p1-{label}-{time.time_ns()}"
    server = serve(port, workers, threads)
    try:
        load(port, token, ids, f"{run}w", 3, args.connections, batch)  # open the workers' connections
        figures = load(port, token, ids, run, args.seconds, args.connections, batch)
        figures["resend_once"] = resend_counts_once(port, token, ids[0])
    finally:
        stop(server)
    figures["stored"] = stored(run)
    shape = f"batches of {batch}" if batch else "one reading per request"
    print(f"{label:<9} workers {workers} threads {threads} connections {args.connections}, {shape}: "
          f"{figures['rate']:,.0f} readings/s over {args.seconds} s | request latency p50 {figures['p50']:.1f} ms "
          f"p90 {figures['p90']:.1f} ms p99 {figures['p99']:.1f} ms | readings sent {figures['sent']:,}, "
          f"stored {figures['stored']:,}: {'equal' if figures['stored'] == figures['sent'] else 'NOT EQUAL'} "
          f"({figures['created']:,} answered before wrk stopped) | non-2xx {figures['non2xx']} socket errors "
          f"{figures['socket_errors']} | resend counted once: {figures['resend_once']}")
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--population", type=int, default=1_000_000)
    parser.add_argument("--observed", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--batch", type=int, default=25, help="readings per batch request in the last run")
    parser.add_argument("--database", default="fk_bench_1m")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("this benchmark needs wrk: apt-get install wrk")
    use_postgres(args.database)
    ensure_city(args.population, args.observed)
    token, ids = bench_token(), observed_person_ids()
    print(f"persons {args.population:,}, under observation {args.observed:,}; posting for {len(ids):,} of them")
    baseline = measure("baseline", args, token, ids, workers=1, threads=1, batch=0, port=args.port)
    single = measure("workers", args, token, ids, workers=args.workers, threads=args.threads, batch=0,
                     port=args.port + 1)
    batched = measure("batched", args, token, ids, workers=args.workers, threads=args.threads, batch=args.batch,
                      port=args.port + 2)
    print(f"ratio against the baseline: workers {single['rate'] / baseline['rate']:.1f}x, "
          f"batched {batched['rate'] / baseline['rate']:.1f}x readings/s")

if __name__ == "__main__":
    main()
