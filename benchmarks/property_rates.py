#!/usr/bin/env python
"""Examples per second of the property-based tests on a warm stack, and what limits each.

    .venv/bin/python benchmarks/property_rates.py [--stack NAME] [--examples 60]

Without --stack it makes a stack (images cached: ~15 s) and removes it afterwards. For each
property it times the whole Hypothesis run and, apart, the time spent in the check (HTTP to the
stack, PHP, the databases); the rest is Hypothesis generating and shrinking data.
Goals (issue #6): API-level at least 20 examples/s, WordPress-level at least 2 examples/s.
"""

import argparse
import time

from hypothesis import HealthCheck, Phase, given, settings

from harness.generate import strategies
from harness.judge import by_name
from harness.judge.session import stack_context
from harness.stack.stack import running_stack


def measure(name, strategy, check, examples):
    spent = [0.0]

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(example):
        start = time.perf_counter()
        check(example)
        spent[0] += time.perf_counter() - start

    start = time.perf_counter()
    run()
    total = time.perf_counter() - start
    return {"property": name, "examples": examples, "seconds": total, "rate": examples / total, "in_check": spent[0] / total}


def connect_afresh(ctx, stack):
    """Nothing stored for the tenant, and the plugin connected to it."""
    ctx.observer.reset(ctx.backend.integration_id)
    outcome = ctx.settings.connect(stack.backend_url_for_plugin, ctx.backend.api_key)
    assert outcome.kind == "success", outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", help="a running stack (igny8 up) to use")
    parser.add_argument("--examples", type=int, default=60)
    args = parser.parse_args()

    with running_stack(attach=args.stack) as stack:
        ctx = stack_context(stack)
        assert ctx.wp and ctx.settings and ctx.observer
        ctx.wp.reset()
        connect_afresh(ctx, stack)
        rows = [
            measure("API: valid payload accepted, read back", strategies.valid_payloads(), lambda p: by_name.get("api-valid").run(ctx, p), args.examples),
            measure("API: invalid payload refused", strategies.invalid_payloads(), lambda c: by_name.get("api-invalid").run(ctx, c), args.examples),
        ]
        # The API payloads above are timed after whatever was stored, possibly later than now: the
        # plugin's syncs would be refused as older (STORE-2). Start WordPress's from nothing stored.
        connect_afresh(ctx, stack)
        rows.append(measure("WordPress: site synced end to end", strategies.sites(), lambda s: by_name.get("wp-sync").run(ctx, s), max(10, args.examples // 4)))

    print(f"\n{'property':42} {'examples':>8} {'seconds':>8} {'ex/s':>6} {'in check':>9}  goal   limited by")
    for r in rows:
        goal = 2 if r["property"].startswith("WordPress") else 20
        limit = "the stack (HTTP, PHP, databases)" if r["in_check"] > 0.5 else "generating data (Hypothesis)"
        verdict = "meets" if r["rate"] >= goal else "MISSES"
        print(f"{r['property']:42} {r['examples']:8} {r['seconds']:8.1f} {r['rate']:6.1f} {r['in_check']:8.0%}  >={goal:<3} {verdict}; {limit}")


if __name__ == "__main__":
    main()
