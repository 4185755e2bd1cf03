"""A throwaway PostgreSQL cluster on a unix socket, for the backend's tests and benchmark.

PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

DEFAULT_DIR = Path(os.environ.get("IGNY8_DEVDB_DIR", "/tmp/igny8-devdb"))
FAST_UNSAFE = "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"


class DevDbError(RuntimeError):
    pass


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise DevDbError("PostgreSQL is not installed: run `apt-get install -y postgresql` (Debian) and try again.")


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[Any], **kw: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(_as_owner([str(c) for c in cmd]), capture_output=True, text=True, **kw)
    if result.returncode:
        raise DevDbError(f"{' '.join(map(str, cmd))} failed:\n{result.stdout}{result.stderr}")
    return result


def url(directory: Path = DEFAULT_DIR, dbname: str = "igny8") -> str:
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    return f"postgresql://{user}@/{dbname}?host={directory}"


def start(directory: Path = DEFAULT_DIR) -> str:
    """Starts the cluster (making it first if needed) and returns a DATABASE_URL for it."""
    bindir, data = _bindir(), directory / "data"
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    if not (data / "PG_VERSION").exists():
        user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
        _run([bindir / "initdb", "-D", data, "--auth=trust", "-U", user, "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"])
    status = subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "status"]), capture_output=True)
    if status.returncode != 0:
        opts = f"-k {directory} -c listen_addresses='' {FAST_UNSAFE}"
        _run([bindir / "pg_ctl", "-D", data, "-o", opts, "-l", directory / "server.log", "-w", "start"])
    exists = _run([bindir / "psql", "-h", directory, "-d", "postgres", "-tAc", "SELECT 1 FROM pg_database WHERE datname='igny8'"])
    if not exists.stdout.strip():
        _run([bindir / "createdb", "-h", directory, "igny8"])
    return url(directory)


def stop(directory: Path = DEFAULT_DIR) -> None:
    data = directory / "data"
    if (data / "PG_VERSION").exists():
        subprocess.run(_as_owner([str(_bindir() / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), capture_output=True)
