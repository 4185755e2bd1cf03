"""``python manage.py COMMAND``: the commands CONTRACT.md 2.1 names, and the start-up.

- ``igny8_seed --account A --site S --username U [--another-integration] [--output FILE]``
- ``igny8_integration ID (--revoke-key | --deactivate | --activate | --show)``
- ``bootstrap``: wait for PostgreSQL, create the schema, seed from the environment (run by gunicorn's
  master before it listens; see gunicorn.conf.py)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from . import db, tenants
from .config import ConfigError, settings

log = logging.getLogger("igny8alt")


def bootstrap() -> None:
    cfg = settings()
    db.wait_for_database()
    db.create_schema()
    tenants.seed_at_start(cfg.seed_api_key, cfg.seed_username, cfg.seed_password, cfg.seed_tenants)


def _mask(value: str | None) -> str | None:
    return None if value is None else value[:4] + "…"


def cmd_seed(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="manage.py igny8_seed", description="Make a tenant: account, site, user, integration.")
    parser.add_argument("--account", required=True)
    parser.add_argument("--site", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument(
        "--another-integration", action="store_true", help="a new WordPress integration with a key of its own on the site, instead of its first one"
    )
    parser.add_argument("--output", help="write the secrets to this file (mode 0600) and print them masked")
    args = parser.parse_args(argv)
    db.wait_for_database(timeout=30)
    db.create_schema()
    made = tenants.seed(args.account, args.site, args.username, another_integration=args.another_integration)
    if args.output:
        tenants.write_secret_file(args.output, made)
        made = {**made, "api_key": _mask(made["api_key"]), "password": _mask(made["password"])}
    print(json.dumps(made))
    return 0


def cmd_integration(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="manage.py igny8_integration", description="Change one integration's state.")
    parser.add_argument("integration_id", type=int)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--revoke-key", dest="action", action="store_const", const="revoke-key")
    group.add_argument("--deactivate", dest="action", action="store_const", const="deactivate")
    group.add_argument("--activate", dest="action", action="store_const", const="activate")
    group.add_argument("--show", dest="action", action="store_const", const="show")
    args = parser.parse_args(argv)
    db.wait_for_database(timeout=30)
    print(json.dumps(tenants.set_state(args.integration_id, args.action or "show")))
    return 0


COMMANDS = {
    "igny8_seed": cmd_seed,
    "igny8_integration": cmd_integration,
    "bootstrap": lambda argv: (bootstrap(), 0)[1],
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if not argv or argv[0] not in COMMANDS:
        print("usage: manage.py {" + ",".join(COMMANDS) + "} ...", file=sys.stderr)
        return 2
    try:
        return COMMANDS[argv[0]](argv[1:])
    except (ConfigError, tenants.TenantError, db.DatabaseUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
