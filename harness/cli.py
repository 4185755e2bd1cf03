"""igny8: the harness's command line. Each subcommand is a small function; argparse wires them.
The options shared with the conformance run come from harness.runs.options (one table)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from harness import __version__
from harness.base import cancel
from harness.generate import sites
from harness.runs import options
from harness.runs.options import RunOptions
from harness.spec import spec


def positive_int(text: str) -> int:
    """argparse's type for a count of at least one."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _stack_name(text: str) -> str:
    from harness.stack.stack import check_name

    try:
        return check_name(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_spec(args: argparse.Namespace) -> int:
    if args.action == "render":
        (spec.SPEC_DIR / "PROTOCOL.md").write_text(spec.render_into())
        print(f"rendered {len(spec.requirements())} requirements into spec/PROTOCOL.md")
        return 0
    for req in spec.requirements().values():
        print(f"{req.id:10} {req.level:6} {req.side:8} {req.title}")
    return 0


def engine_ready() -> None:
    """A Docker engine answers (started here if need be), and the stacks a killed run left are removed."""
    from harness.stack.engine import ensure_engine
    from harness.stack.sweep import remove_leaked

    ensure_engine()
    remove_leaked()


def check_inputs(run: RunOptions) -> None:
    """The run's files and image (harness.runs.inputs), before anything starts: RunInputError, a
    ValueError, becomes one message and exit status 2 in main()."""
    from harness.runs.inputs import check_run_inputs
    from harness.stack.engine import Engine

    check_run_inputs(run, Engine())


def cmd_test(args: argparse.Namespace) -> int:
    """The tests (harness.selftest.testplan), ending with one total line."""
    from harness.selftest import testplan
    from harness.selftest.totals import Totals

    totals = Totals()
    status = testplan.unit(args.pytest_args, totals)
    if not args.unit:
        engine_ready()
        status = testplan.conformance(totals) or status
        status = testplan.benchmarks(totals) or status
    print(totals.line())
    return status


def cmd_run(args: argparse.Namespace) -> int:
    """The conformance suite, writing every output (harness.outputs) into reports/<run-id>/; with
    --matrix, once per cell and merged (harness.launch.matrix). Without -n, on as many stacks as the
    machine allows (harness.launch.workers), said in one line."""
    from harness.base.progress import say
    from harness.launch import workers

    run = RunOptions.from_args(args)
    check_inputs(run)  # a bad observer, manifest or image: one message, exit 2, before any stack
    extra = list(args.pytest_args)
    choice = workers.choose(run, extra, workers.Machine.this_one())
    if choice:
        say(choice.line())
        extra += choice.pytest_args()
    if run["matrix"]:
        clash = [o.cli_flag for o in options.OPTIONS if o.name in ("stack", "wp", "php") and run[o.name]]
        if clash:
            raise SystemExit(f"igny8 run: --matrix chooses each cell's stack, WordPress and PHP itself; drop {', '.join(clash)}")
        from harness.launch.matrix import run_matrix

        engine_ready()
        status, merged = run_matrix(run["matrix"], run, extra)
        print(f"\nmerged:  {merged / 'report.html'}")
        return status
    return run_and_report(run, extra=extra)


def run_and_report(run: RunOptions, extra: Sequence[str] = (), on_run_dir: Callable[[Path], None] | None = None) -> int:
    """A run in a new reports/<run-id>/, and where each of its outputs went."""
    from harness.base.progress import say
    from harness.launch.runner import new_run_dir, run_suite
    from harness.outputs import written

    engine_ready()
    run_dir = new_run_dir()
    say(f"run folder: {run_dir}")  # where the reports go, also when the run is cancelled before it prints them
    status = run_suite(run_dir, run, extra)
    if on_run_dir:
        on_run_dir(run_dir)
    print()
    for name, path in written(run_dir):
        print(f"{name + ':':9}{path}")
    return status


def cmd_selftest(args: argparse.Namespace) -> int:
    from harness.selftest import mutants
    from harness.selftest.selftest import selftest

    names = [m.name for m in mutants.covering(mutants.load_all(args.mutants or None))] if args.cover else args.mutants or None
    engine_ready()
    return selftest(names, wp=args.wp, php=args.php, full=args.full, workers=args.workers)


def cmd_mutant(args: argparse.Namespace) -> int:
    from harness.selftest import mutants

    if not args.name:
        for m in mutants.load_all():
            print(f"{m.name:32} {m.side:8} breaks {', '.join(m.kills):20} {m.description}")
        return 0
    (mutant,) = mutants.load_all([args.name])
    if mutant.side == "plugin":
        if not args.dir:
            raise ValueError("a plugin mutant needs a DIR to write to")
        print(mutants.make_plugin(mutant, args.dir))
    else:
        print(mutants.build_backend(mutant))
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    from harness.clients.wordpress import WordPressClient
    from harness.judge.session import plugin_manifest
    from harness.stack.stack import Stack, Wanted, running_stack

    run = RunOptions.from_args(args)
    check_inputs(run)
    plugin_file = plugin_manifest(run["plugin"]).plugin_file if run["plugin"] else None
    profile = sites.for_run(run["site"])
    wanted = Wanted(
        run["wp"], run["plugin"], plugin_file, run["backend_image"], run["php"], extra_plugins=sites.plugins_for_run(run["with_plugin"], run["site"])
    )
    engine_ready()
    attach = args.name if args.name in Stack.known() else None
    with running_stack(wanted, attach=attach, keep=True, name=args.name) as stack:
        if stack.config.extra_plugins:  # active, or WordPress's reason why not (ExtraPluginRefused)
            WordPressClient.for_stack(stack).activate_extra_plugins()
        if profile is not sites.NO_SITE:
            made = sites.build(WordPressClient.for_stack(stack), profile)
            print(f"{profile.summary()}, built in {made['seconds']} s")
        print(stack.describe(show_secrets=args.show_secrets or sys.stdout.isatty()))
        print(f"\n`igny8 down {stack.name}` removes it.")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    from harness.stack.stack import Stack
    from harness.stack.sweep import sweep

    if args.all:
        print("removed:", ", ".join(sweep(include_kept=True)) or "nothing")
        return 0
    if not args.name:
        raise SystemExit("igny8 down: name a stack (see `igny8 status`) or pass --all")
    Stack.attach(args.name).down()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from harness.stack.stack import Stack
    from harness.stack.sweep import stacks

    if args.name:
        stack = Stack.attach(args.name)
        for service in stack.status():
            print(f"{service['service'] or '?':10} {service['state'] or '?'}")
        print(stack.describe(show_secrets=args.show_secrets))
        return 0
    running = stacks()
    names = sorted(set(Stack.known()) | set(running))
    if not names:
        print("no stacks")
    for name in names:
        info = running.get(name)
        state = "not running" if info is None else ("kept" if info.kept else "in use" if info.owner_alive else "leaked")
        print(f"{name:20} {state}")
    return 0


def cmd_logs(args: argparse.Namespace) -> int:
    from harness.stack.stack import Stack

    print(Stack.attach(args.name).logs(*args.services, tail=args.tail))
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from harness.stack.sweep import sweep

    print("removed:", ", ".join(sweep(include_kept=args.all)) or "nothing")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Renders one or more runs' results.json side by side into one HTML page."""
    from harness.outputs.report_html import load, render_html

    docs = [load(d) for d in args.runs]
    out = Path(args.output)
    render_html(out, docs, runs_root=Path(args.runs[0]).resolve().parent)
    print(f"report: {out}")
    return 0


def cmd_repro(args: argparse.Namespace) -> int:
    from harness.repro import repro

    run = RunOptions.from_args(args)
    if args.file:
        if args.max_posts is not None:
            raise SystemExit("igny8 repro: --max-posts goes with --from-structure or --from-diagnostics")
        engine_ready()
        return repro.run(args.file, run)
    from harness.repro.field_report import DEFAULT_MAX_POSTS, FieldReportError

    try:  # a bad file is refused before any stack starts
        source = args.from_structure or args.from_diagnostics
        doc = repro.from_field_report(source, "structure" if args.from_structure else "diagnostics", args.max_posts or DEFAULT_MAX_POSTS)
    except FieldReportError as exc:
        raise SystemExit(f"igny8 repro: {exc}") from exc
    engine_ready()
    return repro.replay_doc(doc, run)


# ---- merging a matrix's runs and the release gate (issue #12) ----------------------------------


def cmd_merge(args: argparse.Namespace) -> int:
    """Joins run folders (cells of a matrix, shards of a cell) into one results.json and report.html."""
    import json

    from harness.base.paths import REPORTS
    from harness.outputs.merged_html import write_merged
    from harness.runs.merge import default_out_dir

    path = write_merged([Path(d) for d in args.runs], Path(args.out) if args.out else default_out_dir(REPORTS))
    doc = json.loads(path.read_text())
    print(f"merged {len(doc['cells'])} cell(s) from {len(doc['merged']['sources'])} run(s): {doc['merged']['verdict']}")
    print(f"results: {path}")
    print(f"report:  {path.parent / 'report.html'}")
    return 0


def cmd_gate(args: argparse.Namespace) -> int:
    """May this build be released: one line, the reasons, exit 0 (yes) or 1 (no)."""
    from harness.base.paths import REPORTS
    from harness.runs import gate

    folders = [Path(r) for r in args.runs] + ([gate.latest_merged(REPORTS)] if args.latest else [])
    since = Path(args.since) if args.since else gate.last_green(REPORTS, excluding=folders) if args.since_last_green else None
    decision = gate.decide(folders, since=since, baseline=Path(args.baseline) if args.baseline else None)
    print(decision.answer())
    for line in decision.why():
        print(f"  {line}")
    if args.since_last_green and since is None:
        print("  (no earlier green merged run under reports/: nothing compared)")
    for path in gate.write_summary(decision, Path(args.summary) if args.summary else None):
        print(f"summary: {path}")
    return 0 if decision.releasable else 1


def add_matrix_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("merge", help="join run folders (a matrix's cells, a cell's shards) into one results.json and report.html")
    p.add_argument("runs", nargs="+", metavar="RUN_DIR", help="reports/<run-id>/ folders, from any machine")
    p.add_argument("--out", metavar="DIR", help="where to write (default: reports/<timestamp>-merged/)")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("gate", help="may this build be released? one line; exit 1 with the reasons when not")
    p.add_argument("runs", nargs="*", metavar="RUN", help="run folders or merged folders")
    p.add_argument("--latest", action="store_true", help="gate the newest reports/*-merged/ folder")
    p.add_argument("--baseline", metavar="FILE", help="known failures (YAML): an expired entry blocks the release")
    since = p.add_mutually_exclusive_group()
    since.add_argument("--since", metavar="LAST_GREEN_RUN", help="a run or merged folder: what passed there must pass now, per cell")
    since.add_argument("--since-last-green", action="store_true", help="--since the newest reports/*-merged/ folder whose verdict is PASS")
    p.add_argument("--summary", metavar="FILE", help="write a Markdown summary here (also appended to $GITHUB_STEP_SUMMARY when set)")
    p.set_defaults(func=cmd_gate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="igny8", description="IGNY8 sync conformance harness")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("spec", help="list the requirements, or render them into spec/PROTOCOL.md")
    p.add_argument("action", choices=["list", "render"], nargs="?", default="list")
    p.set_defaults(func=cmd_spec)

    p = sub.add_parser("up", help="build if needed, start a stack, wait for health, print its URLs and credentials")
    p.add_argument("--name", type=_stack_name, help="attach to (or make) the stack with this name")
    p.add_argument("--show-secrets", action="store_true", help="print passwords and the API key in full (default: only on a terminal)")
    options.add_to_parser(p, "up")
    p.set_defaults(func=cmd_up)

    p = sub.add_parser("down", help="remove a stack: containers, network, volumes and its state")
    p.add_argument("name", nargs="?")
    p.add_argument("--all", action="store_true", help="every harness stack, kept ones included")
    p.set_defaults(func=cmd_down)

    p = sub.add_parser("status", help="list stacks, or show one's services and URLs")
    p.add_argument("name", nargs="?")
    p.add_argument("--show-secrets", action="store_true")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("logs", help="a stack's logs (secrets masked)")
    p.add_argument("name")
    p.add_argument("services", nargs="*", help="wordpress, mariadb, backend, api, postgres (default: all)")
    p.add_argument("--tail", default="200")
    p.set_defaults(func=cmd_logs)

    p = sub.add_parser("sweep", help="remove leaked stacks (whose run is gone and which were not kept)")
    p.add_argument("--all", action="store_true", help="remove kept stacks too")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser(
        "run",
        help="run the conformance suite (default: against the reference stack) and write reports/<run-id>/",
        description="Other arguments go to pytest: -k EXPR, -x, node ids such as scenarios/test_quick_sync.py::test_3_connect_in_wp_admin.",
    )
    options.add_to_parser(p, "run")
    p.set_defaults(func=cmd_run, passthrough=True)

    p = sub.add_parser("report", help="one HTML page for one or more runs side by side, with what changed")
    p.add_argument("runs", nargs="+", metavar="RUN_DIR", help="reports/<run-id>/ folders; the first is the headline")
    p.add_argument("-o", "--output", default="reports/comparison.html")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("selftest", help="run the suite against each mutant; each must be caught on target (a requirement it names fails)")
    p.add_argument("mutants", nargs="*", help="mutant names (default: all; `igny8 mutant` lists them)")
    p.add_argument("--full", action="store_true", help="the whole suite against every mutant (default: on-target tests first; the whole suite for survivors)")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="stacks hunting mutants at once (each needs about 1 GiB)")
    p.add_argument("--cover", action="store_true", help="only a covering few: every requirement and state the rest break (`./igny8 test`'s)")
    options.add_to_parser(p, "selftest")
    p.set_defaults(func=cmd_selftest)

    p = sub.add_parser("mutant", help="list mutants, or make one: a plugin into DIR, a backend as an image")
    p.add_argument("name", nargs="?")
    p.add_argument("dir", nargs="?")
    p.set_defaults(func=cmd_mutant)

    p = sub.add_parser("repro", help="replay a failing example (reports/<run>/repro/*.json), or build a field report's site, on a fresh stack")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", help="a repro file a failing run wrote")
    source.add_argument("--from-structure", metavar="FILE", help="a structure payload, or a backend's config_json holding one: build a site of its shape")
    source.add_argument(
        "--from-diagnostics", metavar="FILE", help="the plugin's diagnostics export (spec/diagnostics.schema.json): its structure, on its WordPress and PHP"
    )
    p.add_argument("--max-posts", type=positive_int, default=None, metavar="N", help="with --from-*: posts and terms made at most (default 5000)")
    options.add_to_parser(p, "repro")
    p.set_defaults(func=cmd_repro)

    p = sub.add_parser("test", help="run the harness's tests and the conformance scenarios")
    p.add_argument("--unit", action="store_true", help="only tests/ and the types (no Docker)")
    p.set_defaults(func=cmd_test, passthrough=True)

    add_matrix_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passthrough", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = extra  # options the harness does not know go to pytest
    cancel.cancel_on_signals()  # SIGTERM and SIGHUP clean up as Ctrl-C does
    try:
        return int(args.func(args))
    except KeyboardInterrupt as interrupt:
        print(f"igny8 {args.command}: interrupted ({cancel.signal_name(interrupt)})", file=sys.stderr)
        return cancel.exit_status(interrupt)  # the shell's code: 128 + the signal's number
    except BrokenPipeError:  # `igny8 gate ... | head`: the reader has all it wanted
        sys.stderr.close()
        return 141
    except (LookupError, ValueError) as exc:  # bad input: say what is wrong, no traceback
        print(f"igny8 {args.command}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from harness.stack.engine import DockerError, EngineUnavailable

        if isinstance(exc, EngineUnavailable | DockerError):
            print(f"igny8 {args.command}: {exc}", file=sys.stderr)
            return 3
        raise


if __name__ == "__main__":
    sys.exit(main())
