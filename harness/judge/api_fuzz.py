"""Schemathesis against the backend under test (scenarios/test_api_fuzz.py): spec/openapi.yaml drives
an API fuzzer that checks every answer against the schema, every refusal, and every request without
its key, on any backend (the reference, the independent one, --backend-image, --backend-url).

Used as a library: Schemathesis's engine, the one its CLI runs, in this process. The suite keeps its
own tenant, TLS trust, budget and evidence, and gets each finding as data (the check, the case, the
response, Schemathesis's cURL reproduction) without parsing a report file.

Each finding is charged to the requirement it breaks (`requirement_for`); its reproduction has the
key REDACTED (`redact`)."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.base import yamlfile
from harness.judge.secrets import forms
from harness.spec.spec import SPEC_DIR

# Schemathesis's checks the suite runs (its names): answers are no server error, their status codes,
# content types and bodies are those the schema lists, data the schema refuses is refused, and an
# operation that declares the key needs it.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
    "missing_required_header",
)
AUTH_CHECKS = frozenset({"ignored_auth", "missing_required_header"})
# The requirement each operation's accepted request is judged by.
OPERATION_REQUIREMENT = {
    "health_retrieve": "OPS-1",
    "integration_integrations_connect_create": "CONN-1",
    "integration_integrations_test_connection_create": "CONN-4",
    "integration_integrations_update_structure_create": "STORE-1",
    "integration_integrations_content_types_retrieve": "READ-1",
    "integration_integrations_sync_content_create": "CONTENT-1",
    "integration_integrations_disconnect_create": "CONN-11",
}
# The requirement that says which of an operation's bodies are refused: what a request the schema
# does not allow breaks when it is accepted or crashes the server. ERR-4 for the rest: every refusal
# is a 4xx that names the problem.
INPUT_REQUIREMENT = {
    "integration_integrations_update_structure_create": "ERR-1",
    "integration_integrations_sync_content_create": "CONTENT-1",
    "integration_integrations_connect_create": "CONN-1",
}
REFUSALS = "ERR-4"
AUTHENTICATION = "SEC-1"
STRUCTURE_REF = "https://igny8.example/spec/structure.schema.json"
# Below the stack's IGNY8_API_RATE (300 per 10 s, harness/stack/config.py): the fuzzer is never
# throttled (a 429 is a documented answer, so it would hide nothing, but test nothing either), and
# the tests after it find the key's budget nearly whole.
RATE_LIMIT = "25/s"


def requirement_for(check: str, operation_id: str, status: int | None, negative: bool) -> str:
    """The requirement a finding of `check` on `operation_id` breaks: a request sent without its key
    that is not refused, SEC-1; schema-violating data accepted, or answered by a server error, the
    operation's input rule; a refusal (4xx) that is not the schema's, ERR-4; anything else, the
    operation's own requirement."""
    if check in AUTH_CHECKS:
        return AUTHENTICATION
    if check == "negative_data_rejection" or (negative and (status is None or status >= 500)):
        return INPUT_REQUIREMENT.get(operation_id, REFUSALS)
    if status is not None and 400 <= status < 500:
        return REFUSALS
    return OPERATION_REQUIREMENT[operation_id]


def requirements_of(operation_id: str, secured: bool) -> list[str]:
    """Every requirement a finding on `operation_id` may be charged to (its test names them all)."""
    found = [OPERATION_REQUIREMENT[operation_id], INPUT_REQUIREMENT.get(operation_id, REFUSALS), REFUSALS]
    return list(dict.fromkeys([*found, *([AUTHENTICATION] if secured else [])]))


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every form of each secret a leak could take (harness.judge.secrets) replaced by
    REDACTED, and Schemathesis's own mask of the Authorization header said as the harness says it."""
    for secret in secrets:
        if secret:
            for needle in sorted({needle for _, needle in forms(secret)}, key=len, reverse=True):
                text = text.replace(needle, "REDACTED")
    return text.replace("Authorization: [Filtered]", "Authorization: Bearer REDACTED")


def document() -> dict[str, Any]:
    """spec/openapi.yaml with spec/structure.schema.json in place of its URL: Schemathesis would
    fetch it from igny8.example, which is a name, not a host. Its definitions become components."""
    raw: dict[str, Any] = copy.deepcopy(yamlfile.read(SPEC_DIR / "openapi.yaml"))
    structure = json.loads((SPEC_DIR / "structure.schema.json").read_text())
    definitions = structure.pop("definitions", {})
    for key in ("$schema", "$id"):
        structure.pop(key, None)

    def local(schema: Any) -> Any:
        text = json.dumps(schema)
        for name in definitions:
            text = text.replace(f'"#/definitions/{name}"', f'"#/components/schemas/Structure.{name}"')
        return _const_as_enum(json.loads(text))

    schemas = raw["components"]["schemas"]
    schemas["Structure"] = local(structure)
    schemas.update({f"Structure.{name}": local(schema) for name, schema in definitions.items()})
    for item in raw["paths"].values():
        for operation in item.values():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if media.get("schema", {}).get("$ref") == STRUCTURE_REF:
                    media["schema"] = {"$ref": "#/components/schemas/Structure"}
    return raw


def _const_as_enum(schema: Any) -> Any:
    """OpenAPI 3.0's schemas have no `const` (JSON Schema draft-07 has): said as the one-value `enum`
    3.0 has, so that Schemathesis's valid structures carry schema_version 1."""
    if isinstance(schema, list):
        return [_const_as_enum(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    found = {key: _const_as_enum(value) for key, value in schema.items() if key != "const"}
    return {**found, "enum": [schema["const"]]} if "const" in schema else found


def operations(raw: dict[str, Any] | None = None) -> dict[str, bool]:
    """{operationId: whether it declares the key} for every operation of the schema."""
    raw = raw or yamlfile.read(SPEC_DIR / "openapi.yaml")
    return {op["operationId"]: bool(op.get("security")) for item in raw["paths"].values() for op in item.values()}


@dataclass(frozen=True)
class Target:
    """Whom Schemathesis talks to: the harness's own tenant, never another's."""

    base_url: str
    api_key: str
    integration_id: int
    ca_path: Path | None = None


@dataclass(frozen=True)
class Budget:
    examples: int  # Hypothesis examples per operation in the fuzzing phase
    steps: int  # steps of each stateful sequence
    structure_coverage: bool  # whether the coverage phase also runs on update-structure


@dataclass(frozen=True)
class Finding:
    check: str
    operation_id: str
    label: str  # "POST /api/v1/..."
    phase: str
    title: str
    message: str
    status: int | None
    negative: bool
    reproduction: str  # Schemathesis's cURL command(s), the key REDACTED

    @property
    def requirement(self) -> str:
        return requirement_for(self.check, self.operation_id, self.status, self.negative)

    def describe(self) -> str:
        kind = "schema-violating" if self.negative else "valid"
        return f"{self.label} ({self.phase}, {kind} request, answered {self.status}): {self.check}: {self.title}. {self.message.strip()}"


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # what kept Schemathesis from testing (never a pass)
    cases: int = 0
    seconds: float = 0.0
    phases: dict[str, int] = field(default_factory=dict)  # cases sent in each phase

    def summary(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "seconds": round(self.seconds, 1),
            "cases by phase": self.phases,
            "findings": [f"{f.requirement}: {f.describe()}" for f in self.findings],
            "errors": self.errors,
        }


def config(target: Target, budget: Budget, phases: Sequence[str], structure_coverage: bool = True) -> Any:
    """Schemathesis's configuration: the checks above and no others, every request with the tenant's
    key and its own integration's id, the stack's CA, no example database on disk."""
    import schemathesis

    enabled = set(phases)
    return schemathesis.Config.from_dict(
        {
            "base-url": target.base_url,
            "headers": {"Authorization": f"Bearer {target.api_key}"},
            "parameters": {"id": target.integration_id},
            "tls-verify": str(target.ca_path) if target.ca_path else True,
            "rate-limit": RATE_LIMIT,
            "continue-on-failure": True,
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "generation": {"mode": "all", "max-examples": budget.examples, "database": "none"},
            "phases": {
                "examples": {"enabled": "examples" in enabled},
                "coverage": {"enabled": "coverage" in enabled and structure_coverage},
                "fuzzing": {"enabled": "fuzzing" in enabled},
                "stateful": {"enabled": "stateful" in enabled, "max-steps": max(2, budget.steps)},
            },
        }
    )


def run(target: Target, budget: Budget, operation_id: str | None = None, stateful: bool = False) -> Outcome:
    """One operation through Schemathesis's examples, coverage and fuzzing phases, or (`stateful`) every
    operation in sequences it chains by the links it infers from the schema (connect's integration_id
    into every `{id}`): connect, update-structure, content-types, sync-content, disconnect..."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    raw = document()
    labels = {f"{method.upper()} {path}": op["operationId"] for path, item in raw["paths"].items() for method, op in item.items()}
    phases = ["stateful"] if stateful else ["examples", "coverage", "fuzzing"]
    structure = operation_id != "integration_integrations_update_structure_create" or budget.structure_coverage
    loaded = schemathesis.openapi.from_dict(raw, config=config(target, budget, phases, structure_coverage=structure))
    schema = loaded.include(operation_id=operation_id) if operation_id is not None else loaded
    outcome, seen, start = Outcome(), set[tuple[object, ...]](), time.monotonic()
    secrets = [target.api_key]
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            phase = str(event.phase.value)
            outcome.cases += len(recorder.cases)
            outcome.phases[phase] = outcome.phases.get(phase, 0) + len(recorder.cases)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    info = check.failure_info
                    if info is None:
                        continue
                    finding = _finding(recorder, case_id, check.name, info, phase, labels, secrets)
                    key = (finding.check, finding.operation_id, finding.title, finding.status, finding.negative)
                    if key not in seen:
                        seen.add(key)
                        outcome.findings.append(finding)
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(redact(f"{event.label}: {event.info.format()}", secrets))
        elif isinstance(event, events.FatalError):
            outcome.errors.append(redact(f"Schemathesis stopped: {event.exception!r}", secrets))
        elif isinstance(event, events.Interrupted):
            outcome.errors.append("Schemathesis was interrupted")
        elif isinstance(event, events.EngineFinished) and event.stop_reason.skip_explanation:
            outcome.errors.append(f"Schemathesis stopped before the end: {event.stop_reason.skip_explanation}")
    outcome.seconds = time.monotonic() - start
    return outcome


def _finding(recorder: Any, case_id: str, check: str, info: Any, phase: str, labels: dict[str, str], secrets: Sequence[str]) -> Finding:
    failure = info.failure
    node = recorder.cases.get(case_id)
    meta = node.value.meta if node is not None else None
    label = node.value.operation.label if node is not None else str(failure.operation)
    interaction = recorder.interactions.get(case_id)
    response = getattr(interaction, "response", None)
    steps = [step.curl for step in getattr(info, "steps", []) or []]
    reproduction = "\n\n".join(steps) if len(steps) > 1 else info.code_sample
    return Finding(
        check=check,
        operation_id=labels.get(label, label),
        label=label,
        phase=phase,
        title=str(failure.title),
        message=redact(str(failure.message), secrets),
        status=getattr(response, "status_code", None),
        negative=bool(meta is not None and meta.generation.mode.is_negative),
        reproduction=redact(str(reproduction), secrets),
    )
