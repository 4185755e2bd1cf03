#!/usr/bin/env python
"""Times the reference backend over HTTP, gunicorn + PostgreSQL, and prints the figures.

    .venv/bin/python benchmarks/backend_bench.py [--runs 30] [--items 100000] [--types 1000] [--smoke]

Goals (issue #2, p50 on this machine): update-structure with 1,000 post types + 1,000 taxonomies
under 200 ms; content-types with 100,000 synced items under 50 ms. The design note measured
~550 ms and ~200 ms. --smoke: 10 + 10 entries, 100 items, two runs, one worker, to show the
benchmark still runs (its figures are not at the goals' sizes).
"""

import argparse
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import requests

from harness.generate.structures import large_structure, timestamp
from harness.selftest import devdb

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "reference" / "backend"
GOALS_MS = {"update-structure": 200, "content-types": 50}  # at the default sizes, 1000+1000 entries and 100,000 items


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def backend_env(database_url):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "bench",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "IGNY8_LOG_LEVEL": "WARNING",
    }


def fresh_database(directory):
    devdb.start(directory)
    admin = devdb.url(directory, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS igny8_bench")
        conn.execute("CREATE DATABASE igny8_bench")
    return devdb.url(directory, "igny8_bench")


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BACKEND, env=env, check=True, capture_output=True, text=True).stdout


def add_synced_items(database_url, integration_id, n):
    with psycopg.connect(database_url) as conn:
        conn.execute(
            """INSERT INTO content_syncedcontent (integration_id, external_id, post_type, title, status, url, terms, synced_at)
               SELECT %s, g, CASE WHEN g %% 10 = 0 THEN 'page' ELSE 'type_' || lpad((g %% 1000)::text, 5, '0') END,
                      'Item ' || g, 'publish', '', '{}'::jsonb, now()
               FROM generate_series(1, %s) g""",
            (integration_id, n),
        )
    with psycopg.connect(database_url, autocommit=True) as conn:  # steady state, as autovacuum leaves it
        conn.execute("VACUUM ANALYZE content_syncedcontent")


def timed(call, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[math.ceil(len(samples) * 0.95) - 1], "min": samples[0], "runs": runs}  # nearest rank


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--types", type=int, default=1000, help="post types, and as many taxonomies, in the update-structure body")
    parser.add_argument("--smoke", action="store_true", help="10+10 entries, 100 items, 2 runs, 1 worker: the same code path in seconds")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.items, args.workers, args.types = 2, 100, 1, 10

    directory = Path("/tmp/igny8-bench-db")
    database_url = fresh_database(directory)
    env = backend_env(database_url)
    print(f"migrating a fresh database ({database_url}) ...", flush=True)
    manage(env, "migrate", "--noinput")
    seeded = json.loads(manage(env, "igny8_seed"))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "igny8_backend.wsgi"],
        cwd=BACKEND,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {seeded['api_key']}"
        session.headers["X-Forwarded-Proto"] = "https"  # as the stack's TLS proxy says: the backend redirects plain HTTP (SEC-10)
        for _ in range(100):
            try:
                if session.get(f"{base}/health/", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        session.post(f"{base}/integration/integrations/connect/", json={}).raise_for_status()
        url = f"{base}/integration/integrations/{seeded['integration_id']}"

        start = datetime.now(UTC)
        bodies = [json.dumps(large_structure(args.types, args.types, timestamp(start + timedelta(milliseconds=i)))) for i in range(args.runs)]
        print(f"update-structure body: {len(bodies[0]) / 1024:.0f} KiB; {args.runs} runs", flush=True)
        sent = iter(bodies)
        headers = {"Content-Type": "application/json"}
        structure, listing = f"update-structure {args.types}+{args.types}", f"content-types {args.items:,} synced"
        results = {structure: timed(lambda: session.post(f"{url}/update-structure/", data=next(sent), headers=headers), args.runs)}

        print(f"adding {args.items} synced items ...", flush=True)
        add_synced_items(database_url, seeded["integration_id"], args.items)
        session.get(f"{url}/content-types/").raise_for_status()  # warm the worker's connection
        results[listing] = timed(lambda: session.get(f"{url}/content-types/"), args.runs)
    finally:
        server.terminate()
        server.wait()
        devdb.stop(directory)  # its PostgreSQL too: a smoke run in every ./igny8 test left one running

    print(f"\n{'what':32} {'p50 ms':>8} {'p95 ms':>8} {'min ms':>8} {'goal':>8}  verdict")
    for name, r in results.items():
        goal = GOALS_MS[name.split()[0]]
        verdict = "meets goal" if r["p50"] < goal else "MISSES GOAL"
        print(f"{name:32} {r['p50']:8.1f} {r['p95']:8.1f} {r['min']:8.1f} {'<' + str(goal):>8}  {verdict}")
    if (args.types, args.items) != (1000, 100_000):
        print("(the goals are for 1000+1000 entries and 100,000 items: these sizes are not theirs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
