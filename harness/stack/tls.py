"""The stack's TLS material, made with trustme: a CA that WordPress trusts and the backend's
certificate, plus two endpoints that lie about their certificate while routing to the real backend
(SEC-4): one whose certificate comes from a CA nobody trusts, one whose certificate has expired."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import trustme

# Another backend a site owner could enter (SEC-12): its certificate is valid and it routes to the
# real backend, so a key sent to it would be seen there.
ELSEWHERE_NAME = "api-elsewhere.igny8.test"
# Names the backend is reached by: from WordPress (the network alias) and from the host.
SERVER_NAMES = ["api.igny8.test", "localhost", "127.0.0.1", ELSEWHERE_NAME]
UNTRUSTED_NAME = "api-untrusted.igny8.test"  # a certificate from a CA WordPress does not trust
EXPIRED_NAME = "api-expired.igny8.test"  # a certificate from the trusted CA, expired yesterday


def _write(cert: trustme.LeafCert, directory: Path, stem: str) -> None:
    cert.private_key_pem.write_to_path(str(directory / f"{stem}.key"))
    (directory / f"{stem}.key").chmod(0o600)
    cert.cert_chain_pems[0].write_to_path(str(directory / f"{stem}.pem"))
    for extra in cert.cert_chain_pems[1:]:
        extra.write_to_path(str(directory / f"{stem}.pem"), append=True)


def ensure(directory: Path, also_named: Sequence[str] = ()) -> Path:
    """Writes ca.pem, server.*, untrusted.* and expired.* once per stack; returns the trusted CA's path.
    `also_named`: the host the harness reaches the backend at, when its engine is on another host."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_path = directory / "ca.pem"
    if not ca_path.exists():
        ca = trustme.CA(organization_name="IGNY8 test stack")
        _write(ca.issue_cert(*dict.fromkeys([*SERVER_NAMES, *also_named])), directory, "server")
        now = datetime.now(UTC)
        _write(ca.issue_cert(EXPIRED_NAME, not_before=now - timedelta(days=30), not_after=now - timedelta(days=1)), directory, "expired")
        _write(trustme.CA(organization_name="Nobody trusts this CA").issue_cert(UNTRUSTED_NAME), directory, "untrusted")
        ca.cert_pem.write_to_path(str(ca_path))
    return ca_path
