"""STRUCT-8: the reference plugin's generated_at, formatted from one microtime() reading, never goes
back: a fraction that rounds up to a whole second carries into the seconds. The conformance suite
cannot make WordPress's clock stop at 12.9999996 s; this test gives the function that reading."""

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

FUNCTIONS = Path(__file__).resolve().parent.parent / "reference" / "igny8-wp-plugin" / "includes" / "functions.php"
READINGS = {
    # microtime() as PHP writes it: "0.<8 digits> <seconds>"
    "0.99999960 1700000012": "2023-11-14T22:13:33.000000Z",  # rounds up to the next second: carried
    "0.99999949 1700000012": "2023-11-14T22:13:32.999999Z",
    "0.00000000 1700000013": "2023-11-14T22:13:33.000000Z",
    "0.12345600 1700000000": "2023-11-14T22:13:20.123456Z",
    "0.00000100 0": "1970-01-01T00:00:00.000001Z",
}


def _generated_at(readings):
    php = shutil.which("php")
    if not php:
        pytest.skip("no php on this machine (./igny8 installs php-cli)")
    script = (
        "define('ABSPATH', '/');"
        f"require {json.dumps(str(FUNCTIONS))};"
        "$out = array();"
        f"foreach (json_decode({json.dumps(json.dumps(readings))}) as $m) {{ $out[] = null === $m ? igny8_generated_at() : igny8_generated_at($m); }}"
        "echo json_encode($out);"
    )
    done = subprocess.run([php, "-r", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_a_fraction_that_rounds_to_a_whole_second_is_carried():
    assert dict(zip(READINGS, _generated_at(list(READINGS)), strict=True)) == READINGS


def test_readings_across_a_second_never_go_back():
    readings = [f"0.{f:06d}00 1700000012" for f in (999990, 999999)] + ["0.99999960 1700000012", "0.00000000 1700000013", "0.00000100 1700000013"]
    times = _generated_at(readings)
    assert times == sorted(times), times  # the same format throughout: text order is time order


def test_the_clock_reading_is_utc_with_microseconds():
    before = datetime.now(UTC)
    (now,) = _generated_at([None])
    after = datetime.now(UTC)
    moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
    assert now.endswith("Z") and len(now.split(".")[1]) == 7, now
    assert before.replace(microsecond=0) <= moment <= after, (before, now, after)
