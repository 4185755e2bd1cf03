"""Requests from inside the stack's network, with the WordPress container's curl: what only a
neighbour of the backend can send, such as plain HTTP to the proxy's port 80 (SEC-10). Header
values travel in the environment, never on a command line a log could show."""

from __future__ import annotations

from dataclasses import dataclass

from harness.stack.engine import ComposeProject

SERVICE = "wordpress"


@dataclass(frozen=True)
class Answer:
    status: int  # 0: nothing answered (no such host, or nothing listening)
    location: str  # where a redirect points; "" when none


def request(project: ComposeProject, method: str, url: str, headers: dict[str, str], body: str = "") -> Answer:
    """`method url` with `headers` and `body`, redirects not followed: the status and any Location."""
    env = {f"IGNY8_H{n}": f"{name}: {value}" for n, (name, value) in enumerate(headers.items())}
    script = (
        'curl -s -o /dev/null --max-time 20 -w "%{http_code} %{redirect_url}" -X "$IGNY8_METHOD" '
        + " ".join(f'-H "${name}"' for name in env)
        + (' --data-binary "$IGNY8_BODY"' if body else "")
        + ' "$IGNY8_URL"'
        + " || true"  # curl says 000 when nothing answered: an answer too, not an error
    )
    out = project.execute(SERVICE, ["sh", "-c", script], env={**env, "IGNY8_METHOD": method, "IGNY8_URL": url, "IGNY8_BODY": body}).strip()
    status, _, location = out.partition(" ")
    return Answer(int(status), location.strip())
