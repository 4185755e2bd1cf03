#!/usr/bin/env python
"""How long each shipped site profile (fixtures/sites/*.yaml) takes to build on a running stack, and
how long a reset then takes (every test pays it), each beside its goal.

    .venv/bin/python benchmarks/site_profiles.py [--stack NAME] [--resets 3] [--profile NAME ...] [--smoke]

Without --stack it makes a stack (images cached: ~15 s) and removes it afterwards; with one, the
stack is left on an empty site. Goal (issue #10): the large profile builds in under a minute.
--smoke: the smallest profile and one reset, to show the benchmark still runs.
"""

import argparse
import time

from harness.clients.wordpress import WordPressClient
from harness.generate import sites
from harness.stack import corpus
from harness.stack.stack import Wanted, running_stack

BUILD_GOAL = {"large": 60.0}  # seconds; the others are small enough to need none
RESET_GOAL = 2.0  # seconds, on the large site: a whole suite resets about 200 times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", help="a running stack (igny8 up) to use")
    parser.add_argument("--resets", type=int, default=3)
    parser.add_argument("--profile", action="append", metavar="NAME", help="only this shipped profile (repeatable; default: every one)")
    parser.add_argument("--smoke", action="store_true", help="the smallest profile and one reset: the same code path in seconds")
    args = parser.parse_args()
    profiles = [sites.load(path) for path in sites.shipped()]
    unknown = set(args.profile or ()) - {p.name for p in profiles}
    if unknown:
        parser.error(f"no shipped profile named {', '.join(sorted(unknown))}; there are {', '.join(p.name for p in profiles)}")
    if args.profile:
        profiles = [p for p in profiles if p.name in args.profile]
    usable = []
    for profile in profiles:  # a profile of third-party plugins needs their files (fixtures/plugins/README.md)
        absent = [why for entry in map(corpus.by_dir, profile.plugins) if entry is not None and (why := entry.missing())]
        if absent:
            print(f"{profile.name}: not measured, {absent[0]}")
        else:
            usable.append(profile)
    if not usable:
        parser.error("no profile to measure: every one named needs plugins that are not on this machine")
    profiles = usable
    if args.smoke:
        profiles, args.resets = [min(profiles, key=lambda p: (p.post_count, len(p.post_types) + len(p.taxonomies)))], 1

    plugins = tuple(dict.fromkeys(p for profile in profiles for p in profile.plugins))
    with running_stack(Wanted(extra_plugins=plugins or None), attach=args.stack) as stack:
        wp = WordPressClient.for_stack(stack)
        print(f"{'profile':8} {'posts':>7} {'entries':>8} {'build s':>8} {'goal':>6} {'reset s':>8} {'goal':>6}")
        try:
            for profile in profiles:
                start = time.perf_counter()
                made = sites.build(wp, profile)
                built = time.perf_counter() - start
                resets = []
                for _ in range(args.resets):
                    start = time.perf_counter()
                    wp.reset()
                    resets.append(time.perf_counter() - start)
                reset = sorted(resets)[len(resets) // 2]
                goal = BUILD_GOAL.get(profile.name)
                entries = len(profile.post_types) + len(profile.taxonomies)
                verdict = "" if goal is None else ("ok" if built <= goal else "OVER")
                print(
                    f"{profile.name:8} {made['posts']:>7} {entries:>8} {built:>8.1f} {goal or '-':>6} {reset:>8.2f} {RESET_GOAL:>6} "
                    f"{verdict} {'ok' if reset <= RESET_GOAL else 'OVER'}"
                )
        finally:
            sites.build(wp, sites.NO_SITE)


if __name__ == "__main__":
    main()
