#!/bin/sh
# PostgreSQL for one stack: password auth from the network, database "igny8".
#   --make-cluster  (at image build) initdb and the database into $made, so that a stack's start
#                   does not pay for them (initdb is 2-3 s of a warm start).
#   (no argument)   on the first start of a stack's volume, copy that cluster into it and set the
#                   stack's password; then serve. The cluster stays out of the volume's mount point
#                   in the image: Docker's own copy of an image's files into a new volume takes 1.7 s
#                   for 46 MB, `cp -a` a fraction of that.
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
data=/var/lib/postgresql/data
made=/var/lib/postgresql/cluster-made-at-build
if [ "${1:-}" = "--make-cluster" ]; then
  install -d -o postgres -g postgres "$made"
  # Small, as each stack's start copies it: 1 MB WAL segments (not 16), and the stack's database is
  # initdb's "postgres" renamed (not a fourth 7 MB database). 46 MB became 22.
  runuser -u postgres -- "$bin/initdb" -D "$made" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --wal-segsize=1 >/dev/null
  echo "host all all all scram-sha-256" >> "$made/pg_hba.conf"
  echo "ALTER DATABASE postgres RENAME TO igny8" | runuser -u postgres -- "$bin/postgres" --single -D "$made" template1 >/dev/null
  exit 0
fi
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
copying="$data/igny8-copying-the-cluster"  # there until the copy is whole: a start killed halfway redoes it
if [ ! -f "$data/PG_VERSION" ] || [ -f "$copying" ]; then
  install -d -o postgres -g postgres -m 0700 "$data"
  touch "$copying"
  find "$data" -mindepth 1 ! -path "$copying" -delete
  cp -a "$made/." "$data/"
  # Until this runs the postgres role has no password, and scram refuses every network login.
  esc=$(printf '%s' "$POSTGRES_PASSWORD" | sed "s/'/''/g")
  printf "ALTER USER postgres PASSWORD '%s'\n" "$esc" | runuser -u postgres -- "$bin/postgres" --single -D "$data" igny8 >/dev/null
  rm -f "$copying"
fi
install -d -o postgres -g postgres /var/run/postgresql
# A test database: speed over durability against the machine's crash (fsync off), never against its
# own: a commit it acknowledged survives PostgreSQL killed (synchronous_commit stays on; the faults
# restart it with one second's grace), as a real deployment's does.
exec runuser -u postgres -- "$bin/postgres" -D "$data" -c listen_addresses='*' -c fsync=off -c full_page_writes=off
