"""igny8: the harness's command line. Each subcommand is a small function; argparse wires them."""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from . import __version__, spec

ROOT = Path(__file__).resolve().parent.parent


def cmd_spec(args):
    if args.action == "render":
        (spec.SPEC_DIR / "PROTOCOL.md").write_text(spec.render_into())
        print(f"rendered {len(spec.requirements())} requirements into spec/PROTOCOL.md")
        return 0
    for req in spec.requirements().values():
        print(f"{req.id:10} {req.level:6} {req.side:8} {req.title}")
    return 0


def cmd_test(args):
    """The tests: the harness's and the backend's own (tests/), then the conformance suite (scenarios/)."""
    from . import devdb

    env = {**os.environ}
    env.setdefault("DATABASE_URL", devdb.start())
    suites = [["tests"]] + ([["scenarios"]] if (ROOT / "scenarios" / "conftest.py").exists() and not args.unit else [])
    status = 0
    for paths in suites:
        print(f"== pytest {' '.join(paths)}", flush=True)
        status = subprocess.call([sys.executable, "-m", "pytest", *paths, *args.pytest_args], cwd=ROOT, env=env) or status
    return status


def build_parser():
    parser = argparse.ArgumentParser(prog="igny8", description="IGNY8 sync conformance harness")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("spec", help="list the requirements, or render them into spec/PROTOCOL.md")
    p.add_argument("action", choices=["list", "render"], nargs="?", default="list")
    p.set_defaults(func=cmd_spec)

    p = sub.add_parser("test", help="run the harness's tests and the conformance scenarios")
    p.add_argument("--unit", action="store_true", help="only tests/ (no Docker)")
    p.set_defaults(func=cmd_test, passthrough=True)
    return parser


def main(argv=None):
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passthrough", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = extra  # options the harness does not know go to pytest
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
