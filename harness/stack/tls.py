"""The stack's TLS material: a throwaway CA (trustme) and a server certificate for the backend."""

from __future__ import annotations

from pathlib import Path

import trustme

# Names the backend is reached by: from WordPress (the network alias) and from the host.
SERVER_NAMES = ["api.igny8.test", "localhost", "127.0.0.1"]


def ensure(directory: Path) -> Path:
    """Writes ca.pem, server.pem and server.key once per stack; returns the CA's path."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_path = directory / "ca.pem"
    if not ca_path.exists():
        ca = trustme.CA(organization_name="IGNY8 test stack")
        server = ca.issue_cert(*SERVER_NAMES)
        server.private_key_pem.write_to_path(str(directory / "server.key"))
        (directory / "server.key").chmod(0o600)
        server.cert_chain_pems[0].write_to_path(str(directory / "server.pem"))
        for extra in server.cert_chain_pems[1:]:
            extra.write_to_path(str(directory / "server.pem"), append=True)
        ca.cert_pem.write_to_path(str(ca_path))
    return ca_path
