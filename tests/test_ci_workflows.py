"""The nightly CI files (ci/): they parse, they are scheduled, and every `./igny8 ...` line they run
is a command the real parser accepts, ending with the release gate."""

import re
import shlex
from pathlib import Path

import pytest
import yaml

from harness import cli

CI = Path(__file__).resolve().parent.parent / "ci"
GITHUB, GITLAB = CI / "github" / "nightly.yml", CI / "gitlab" / "nightly.gitlab-ci.yml"


# What a runner of the spread nightly's shard 1 of the oldest cell gets in place of the expressions.
MATRIX_EXAMPLE = {"matrix.cell.wp": "5.7", "matrix.cell.php": "7.4", "matrix.cell.name": "wp5.7-php7.4", "matrix.shard": "1"}


def _github_scripts(doc, jobs=None):
    """The `run:` scripts of `jobs` (default: all), with ${{ matrix.* }} and $SHARDS as a runner sees them."""
    scripts = [step["run"] for name, job in doc["jobs"].items() if jobs is None or name in jobs for step in job["steps"] if "run" in step]
    scripts = [re.sub(r"\$\{\{\s*(matrix\.[\w.]+)\s*\}\}", lambda m: MATRIX_EXAMPLE[m.group(1)], s) for s in scripts]
    return [s.replace("$SHARDS", doc["env"]["SHARDS"]) for s in scripts]


def _gitlab_scripts(doc):
    jobs = [job for job in doc.values() if isinstance(job, dict) and "script" in job]
    return [line for job in jobs for key in ("before_script", "script", "after_script") for line in job.get(key, [])]


SCRIPTS = {GITHUB: _github_scripts, GITLAB: _gitlab_scripts}


def igny8_commands(scripts):
    """Each `./igny8 ...` command line in these shell scripts, as the words argparse would get."""
    commands = []
    for script in scripts:
        for line in script.replace("\\\n", " ").splitlines():
            if "./igny8 " not in line:
                continue
            lexer = shlex.shlex(line[line.index("./igny8 ") :], posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            words = []
            for word in lexer:
                if set(word) <= set("();<>|&"):  # the shell's: the command ends here
                    break
                words.append(word)
            commands.append(words[1:])
    return commands


@pytest.fixture(params=list(SCRIPTS), ids=lambda p: p.parent.name)
def workflow(request):
    path = request.param
    return path, yaml.safe_load(path.read_text()), SCRIPTS[path]


def test_the_files_parse_and_run_every_night():
    github = yaml.safe_load(GITHUB.read_text())
    triggers = github.get("on", github.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"]
    gitlab = yaml.safe_load(GITLAB.read_text())
    assert any('$CI_PIPELINE_SOURCE == "schedule"' in rule["if"] for job in gitlab.values() for rule in job["rules"])


def test_every_igny8_command_parses_with_the_real_parser(workflow):
    path, doc, scripts = workflow
    commands = igny8_commands(scripts(doc))
    assert commands, f"{path} runs no ./igny8 command"
    parser = cli.build_parser()
    for words in commands:
        try:
            parser.parse_args(words)
        except SystemExit:
            pytest.fail(f"{path}: `./igny8 {' '.join(words)}` is not a command igny8 accepts")


def test_the_matrix_runs_thorough_and_the_gate_comes_last(workflow):
    path, doc, scripts = workflow
    commands = igny8_commands(_github_scripts(doc, ["matrix"]) if path == GITHUB else scripts(doc))
    parser = cli.build_parser()
    runs = [parser.parse_args(c) for c in commands if c[0] == "run"]
    assert [(r.matrix, r.profile, r.site) for r in runs] == [("all", "thorough", None), ("all", "thorough", "fixtures/sites/busy.yaml")]
    gated = [parser.parse_args(c) for c in commands if c[0] == "gate"]
    assert len(gated) == 2, "both matrices, the plain one and the one with every corpus plugin, are put to the gate"
    last = parser.parse_args(commands[-1])
    assert last.command == "gate" and last.summary and (last.runs or last.latest)


def test_the_nightly_hunts_every_mutant_and_fails_on_a_survivor():
    """`./igny8 test` hunts a covering sample; the nightly must hunt them all, and say no on a survivor."""
    parser = cli.build_parser()
    github_steps = yaml.safe_load(GITHUB.read_text())["jobs"]["matrix"]["steps"]
    (selftest_step,) = [s for s in github_steps if s.get("id") == "selftest"]
    (job,) = yaml.safe_load(GITLAB.read_text()).values()
    for scripts in ([selftest_step["run"]], job["script"]):
        (hunt,) = [parser.parse_args(c) for c in igny8_commands(scripts) if c[0] == "selftest"]
        assert not hunt.cover and not hunt.mutants, "the nightly hunts every mutant"
    assert any("$selftest" in line and "exit 1" in line for line in job["script"]), "GitLab's job fails on a survivor"


def test_the_build_and_the_history_are_kept_between_nights():
    github = GITHUB.read_text()
    assert "rootfs-*.tar" in github and "images.tar" in github and "wordpress-stack/build/wheelhouse" in github
    assert "docker save" in github and "docker load" in github
    steps = yaml.safe_load(github)["jobs"]["matrix"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/upload-artifact") for u in uses)
    assert sum(u.startswith("actions/cache/restore") for u in uses) == 3 and sum(u.startswith("actions/cache/save") for u in uses) == 3
    assert "~/.cache/igny8/plugin-corpus" in github, "the real plugins (not in the repository) are kept between nights"
    assert "igny8 gate" in steps[-2]["run"] and "steps.selftest.outcome" in steps[-1]["run"], "the gate and the self-test decide, last"
    assert steps[-1].get("if") == "always()", "the self-test's answer is given even when the gate says no"

    (job,) = yaml.safe_load(GITLAB.read_text()).values()
    cached = [path for cache in job["cache"] for path in cache["paths"]]
    assert {".cache/igny8/rootfs-*.tar", ".cache/igny8/images.tar", "wordpress-stack/build/wheelhouse/", "reports/2*/", ".cache/igny8/plugin-corpus/"} <= set(
        cached
    )
    assert all(cache["when"] == "always" for cache in job["cache"]) and job["variables"]["IGNY8_CACHE"].endswith(".cache/igny8")
    assert "reports/" in job["artifacts"]["paths"] and job["artifacts"]["when"] == "always"


def test_spread_runs_every_cell_in_shards_on_runners_of_their_own_and_gates_their_merge():
    doc = yaml.safe_load(GITHUB.read_text())
    jobs, parser = doc["jobs"], cli.build_parser()
    assert "MATRICES" in jobs["cells"]["steps"][-1]["run"], "the cells come from the matrix's one place"
    spread = jobs["shards"]["strategy"]["matrix"]
    assert spread["cell"] == "${{ fromJSON(needs.cells.outputs.cells) }}"
    assert spread["shard"] == list(range(1, int(doc["env"]["SHARDS"]) + 1))
    (run,) = [parser.parse_args(c) for c in igny8_commands(_github_scripts(doc, ["shards"]))]
    assert (run.command, run.wp, run.php, run.shard, run.profile) == ("run", "5.7", "7.4", f"1/{doc['env']['SHARDS']}", "thorough")
    merge = jobs["merge-shards"]
    assert set(merge["needs"]) == {"cells", "shards"} and "always()" in merge["if"], "the merge runs when a shard failed too"
    merge_then_gate = [parser.parse_args(c) for c in igny8_commands(_github_scripts(doc, ["merge-shards"]))]
    assert [c.command for c in merge_then_gate] == ["merge", "gate"]
    assert merge_then_gate[0].out == merge_then_gate[1].runs[0], "the gate judges the merge this job made"
    assert jobs["matrix"]["if"] == "${{ !inputs.spread }}" and jobs["cells"]["if"] == "${{ inputs.spread }}"


def test_the_line_splitter_stops_at_the_shell():
    assert igny8_commands(['x=1; ./igny8 gate "$merged dir" --summary s.md || echo no']) == [["gate", "$merged dir", "--summary", "s.md"]]
