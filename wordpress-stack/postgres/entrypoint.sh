#!/bin/sh
# A cluster made on first start, password auth from the network, database "igny8".
set -eu
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
data=/var/lib/postgresql/data
if [ ! -f "$data/PG_VERSION" ]; then
  install -d -o postgres -g postgres "$data"
  pw=$(mktemp) && printf '%s' "$POSTGRES_PASSWORD" > "$pw" && chown postgres "$pw"
  runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --pwfile="$pw" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pw"
  echo "host all all all scram-sha-256" >> "$data/pg_hba.conf"
  echo "CREATE DATABASE igny8" | runuser -u postgres -- "$bin/postgres" --single -D "$data" postgres >/dev/null
fi
install -d -o postgres -g postgres /var/run/postgresql
# A test database: speed over durability against the machine's crash (fsync off), never against its
# own: a commit it acknowledged survives PostgreSQL killed (synchronous_commit stays on; the faults
# restart it with one second's grace), as a real deployment's does.
exec runuser -u postgres -- "$bin/postgres" -D "$data" -c listen_addresses='*' -c fsync=off -c full_page_writes=off
