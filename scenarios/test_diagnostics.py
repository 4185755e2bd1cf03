"""The diagnostics export (LOG-4, optional capability diagnostics-export): the settings page's
"Download diagnostics" answers an administrator with a JSON file for support, in the format of
spec/diagnostics.schema.json, and never with the API key in it, not even in part. A plugin that
does not claim the capability gets NOT APPLICABLE (harness.target.manifest).

The file is fetched as a browser fetches a download: the button's form submitted, the answer read
whole. What it must hold is read from outside: the structure the backend stored (the observer),
the versions and plugins WordPress reports (the test control), debug.log's own lines."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests

from harness.clients.settings_page import SettingsPage, Submission
from harness.clients.wordpress import STRUCTURE_HOOK, WordPressClient
from harness.judge.secrets import in_any
from harness.judge.secrets import leaks as secrets_found
from harness.spec import spec
from harness.spec.formats import schema_validator

SCHEMA = spec.SPEC_DIR / "diagnostics.schema.json"
FORMAT = "igny8-diagnostics/1"
REFUSED_KEY = "igny8_" + "x" * 43  # key-shaped, refused by the backend (as in test_connection)
MAX_LOG_LINES = 200  # the log lines the file holds at most (the schema's maxItems)
REQUESTERS = ["administrator without a nonce", "user subscriber", "user editor", "logged-out visitor"]


def download(page: SettingsPage, submission: Submission | None = None, sender: WordPressClient | None = None) -> requests.Response:
    """The answer to the diagnostics button's form, whole (a browser would save it as a file)."""
    submission = submission or page.submission("diagnostics")
    return (sender or page.wp).post(submission.url, submission.data)


def is_attachment(response: requests.Response) -> bool:
    disposition = response.headers.get("Content-Disposition", "")
    return disposition.split(";")[0].strip().lower() == "attachment"


def diagnostics(response: requests.Response, evidence) -> dict:
    """The downloaded document, checked to be an attachment, JSON, and valid against the schema."""
    headers = {k: response.headers.get(k) for k in ("Content-Type", "Content-Disposition", "X-Content-Type-Options")}
    evidence.json("the download's headers", {"status": response.status_code, **headers})
    assert response.status_code == 200, f"Download diagnostics answered HTTP {response.status_code}"
    assert is_attachment(response), f"Download diagnostics is not a file download (Content-Disposition: {headers['Content-Disposition']!r})"
    try:
        doc = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"the diagnostics file is not JSON: {exc}; it starts {response.content[:200]!r}") from exc
    evidence.json("the diagnostics file", doc)
    validator = schema_validator(json.loads(SCHEMA.read_text()))
    errors = [f"{e.json_path}: {e.message}" for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))]
    assert not errors, "the diagnostics file is not valid against spec/diagnostics.schema.json:\n" + "\n".join(errors[:20])
    return doc


def leaks(response: requests.Response, doc: dict | None, key: str) -> list[str]:
    """Every form of `key` (harness.judge.secrets) found in the download's bytes, or in its values once JSON escapes are read."""
    places = {"the download's bytes": response.content.decode("utf-8", "replace"), "its values": json.dumps(doc, ensure_ascii=False) if doc is not None else ""}
    return secrets_found({"the API key": key}, places)


def generated(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def forged(requester: str, page: SettingsPage, wp: WordPressClient) -> tuple[Submission, WordPressClient]:
    """The diagnostics form as `requester` would send it without being allowed to (SEC-6's requesters)."""
    if requester == "administrator without a nonce":
        return page.submission("diagnostics").without_nonces(), wp
    if requester == "logged-out visitor":
        return page.submission("diagnostics"), wp.anonymous()
    login, password = wp.create_user(requester.split()[-1])
    user = wp.as_user(login, password)
    user.login()
    theirs = SettingsPage(user, page.manifest)
    return theirs.submission("diagnostics", None, theirs.open(grant_manage_options=True)), user  # a valid nonce of a user without manage_options


# ---- holding -------------------------------------------------------------------------------


@pytest.mark.requirement("LOG-4", cells={"surface": "diagnostics"})
def test_the_diagnostics_hold_the_sent_structure_the_versions_the_plugins_and_the_log(
    connected_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_stored, igny8_evidence
):
    assert igny8_plugin_page.sync_now().kind == "success", "Sync now did not succeed"
    started = datetime.now(UTC)
    response = download(igny8_plugin_page)
    finished = datetime.now(UTC)
    doc = diagnostics(response, igny8_evidence)

    stored = igny8_stored.integration(igny8_backend.integration_id)["structure"]
    assert stored, "the backend stores no structure after Sync now"
    assert doc["structure"] == stored, (
        f"the diagnostics' structure is not the one the backend stored (generated_at {doc['structure'] and doc['structure'].get('generated_at')!r}, "
        f"stored {stored.get('generated_at')!r})"
    )
    assert started - timedelta(seconds=2) <= generated(doc["generated_at"]) <= finished + timedelta(seconds=2), (
        f"generated_at {doc['generated_at']} is not the time of the download"
    )

    state = igny8_wp.state()
    igny8_evidence.json("WordPress's own view", {"versions": state["versions"], "plugin": state["plugin"], "extra_plugins": state.get("extra_plugins", [])})
    wanted = {"wordpress": state["versions"]["wordpress"], "php": state["versions"]["php"], "plugin": state["plugin"]["version"]}
    assert doc["versions"] == wanted, f"the diagnostics say {doc['versions']}, WordPress runs {wanted}"
    active = [{k: p[k] for k in ("file", "name", "version")} for p in [state["plugin"], *state.get("extra_plugins", [])] if p.get("active")]
    missing = [p for p in active if p not in doc["active_plugins"]]
    assert not missing, f"active plugins missing from the diagnostics' active_plugins: {missing} (it lists {doc['active_plugins']})"

    assert doc["settings"]["api_key"] == "set" and doc["settings"]["connected"] is True, f"the diagnostics' settings of a connected plugin: {doc['settings']}"
    assert any("[IGNY8] Site structure synced" in line for line in doc["log"]), f"the diagnostics' log has no sync line: {doc['log'][-5:]}"
    logged = igny8_wp.igny8_log_lines()[-MAX_LOG_LINES:]
    igny8_evidence.text("debug.log's [IGNY8] lines", "\n".join(logged))
    differing = [(ours, theirs) for ours, theirs in zip(doc["log"], logged, strict=False) if ours != theirs and not in_any(igny8_backend.api_key, [theirs])]
    assert len(doc["log"]) == len(logged) and not differing, (
        f"the diagnostics' log is not debug.log's last [IGNY8] lines, oldest first (masked where they hold the key): "
        f"{len(doc['log'])} lines for {len(logged)}; first difference {differing[:1]}"
    )

    found = leaks(response, doc, igny8_backend.api_key)
    assert not found, f"the diagnostics file holds {', '.join(found)}"


# ---- broken ----------------------------------------------------------------------------------


@pytest.mark.requirement("LOG-4", case="negative")
def test_before_any_sync_the_diagnostics_hold_no_structure(igny8_fresh_site, igny8_plugin_page, igny8_backend, igny8_backend_target, igny8_evidence):
    """Not connected: a refused Connect sends no structure, and the refused key-shaped key is not in the file."""
    outcome = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, REFUSED_KEY)
    igny8_evidence.json("outcome of a refused Connect", str(outcome))
    assert outcome.kind == "error", f"a refused key gave: {outcome}"
    response = download(igny8_plugin_page)
    doc = diagnostics(response, igny8_evidence)
    assert doc["structure"] is None, f"the plugin never sent a structure, yet the diagnostics hold one: {str(doc['structure'])[:300]}"
    assert doc["settings"]["api_key"] == "not set" and doc["settings"]["connected"] is False, f"the settings of a plugin never connected: {doc['settings']}"
    found = leaks(response, doc, REFUSED_KEY) + leaks(response, doc, igny8_backend.api_key)
    assert not found, f"the diagnostics file holds {', '.join(found)} of a key"


@pytest.mark.requirement("LOG-4", case="negative")
def test_the_key_stays_out_of_the_diagnostics_after_failures_that_log(
    connected_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, igny8_stack, igny8_evidence
):
    """Failure paths are where a key reaches a log line (an error that prints the request, a header
    logged); a refused key-shaped key is logged too. The structure is the last one sent, refused or not."""
    held = igny8_backend.read_back()["generated_at"]
    submissions = [igny8_plugin_page.submission(button) for button in ("test_connection", "sync_now")]
    with igny8_stack.faults.stopped("api"):
        notices = [str(igny8_plugin_page.send(s)) for s in submissions]
    with igny8_stack.faults.answering(500):  # the requests arrive, and are answered 500
        notices += [str(igny8_plugin_page.send(s)) for s in submissions]
        igny8_wp.run_cron(STRUCTURE_HOOK)
    notices.append(str(igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, REFUSED_KEY)))
    igny8_evidence.json("outcomes of the failures", notices)

    response = download(igny8_plugin_page)
    doc = diagnostics(response, igny8_evidence)
    found = leaks(response, doc, igny8_backend.api_key) + [f"the refused key's {name}" for name in leaks(response, doc, REFUSED_KEY)]
    assert not found, f"after failures, the diagnostics file holds {', '.join(found)}"
    assert any("fail" in line.lower() for line in doc["log"]), f"the failed syncs' [IGNY8] lines are not in the diagnostics' log: {doc['log'][-5:]}"
    assert doc["structure"] is not None and generated(doc["structure"]["generated_at"]) > generated(held), (
        f"the diagnostics' structure is not the last one sent (answered 500), but {doc['structure'] and doc['structure'].get('generated_at')!r}; "
        f"the backend holds {held!r}"
    )
    assert doc["settings"]["api_key"] == "set" and doc["settings"]["connected"] is True, "a refused Connect replaced the working key"


@pytest.mark.requirement("LOG-4", case="negative")
@pytest.mark.parametrize("requester", REQUESTERS)
def test_the_diagnostics_are_refused_without_a_nonce_or_the_capability(requester, connected_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_evidence):
    """SEC-6 applies: the form posted without its nonce, by a user without manage_options holding a
    valid nonce of their own, and by a logged-out visitor answers no file."""
    submission, sender = forged(requester, igny8_plugin_page, igny8_wp)
    response = download(igny8_plugin_page, submission, sender)
    body = response.content.decode("utf-8", "replace")
    igny8_evidence.json("the answer", {"status": response.status_code, "url": response.url, "headers": dict(response.headers), "starts": body[:500]})
    assert not is_attachment(response), f"a {requester} got a download (Content-Disposition: {response.headers.get('Content-Disposition')!r})"
    assert FORMAT not in body, f"a {requester} was answered with the diagnostics"
    found = leaks(response, None, igny8_backend.api_key)
    assert not found, f"the answer to a {requester} holds {', '.join(found)}"
