"""How hard the property-based tests try: `quick` for CI, `thorough` for nightly runs, `kill` for
the self-test (a failure is all it needs: no shrinking)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    wp_examples: int  # each one is a site registered in WordPress and synced end to end
    api_examples: int  # each one is a payload sent straight to the backend
    stateful_examples: int
    stateful_steps: int
    shrink: bool = True  # a failing example is shrunk to the smallest (minutes against a live stack)
    nemesis: bool = False  # the stateful model also changes WordPress under faults (harness.judge.fault_catalogue)
    # Schemathesis against the backend (scenarios/test_api_fuzz.py): its fuzzing phase's examples per
    # operation (and sequences), the steps of each sequence, and whether its coverage phase also runs
    # on update-structure (its boundary cases of the structure schema take Schemathesis 90 s to make).
    fuzz_examples: int = 5
    fuzz_steps: int = 10
    fuzz_structure_coverage: bool = False


PROFILES = {
    "quick": Profile("quick", wp_examples=6, api_examples=40, stateful_examples=2, stateful_steps=12),
    "thorough": Profile(
        "thorough",
        wp_examples=60,
        api_examples=1000,
        stateful_examples=15,
        stateful_steps=40,
        nemesis=True,
        fuzz_examples=100,
        fuzz_steps=30,
        fuzz_structure_coverage=True,
    ),
    "kill": Profile("kill", wp_examples=6, api_examples=40, stateful_examples=2, stateful_steps=12, shrink=False),
}
DEFAULT_PROFILE = "quick"
_current = [PROFILES[DEFAULT_PROFILE]]


def use(name: str) -> None:
    # Imported here: the command line reads PROFILES, and Hypothesis must not be imported before
    # pytest, which rewrites its asserts (harness.launch.warm).
    from hypothesis import HealthCheck, Phase, settings

    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; choose {', '.join(PROFILES)}")
    profile = _current[0] = PROFILES[name]
    # A live stack answers in tens of milliseconds, not microseconds: no deadline, and fixtures that
    # reset the stack per test are fine (the properties reset what they need per example).
    # The explain phase traces every line of a failing example: minutes against a live stack, so it is off.
    phases = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target] + ([Phase.shrink] if profile.shrink else [])
    settings.register_profile(
        "igny8",
        deadline=None,
        report_multiple_bugs=False,  # one failure, shrunk, with one repro file
        phases=phases,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )
    settings.load_profile("igny8")


def current() -> Profile:
    return _current[0]
