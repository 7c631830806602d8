#!/usr/bin/env bash
# Run a command (the test suite) against a throwaway PostgreSQL cluster.
#
#   scripts/pg-test.sh .venv/bin/python -m pytest -q
#
# The command runs with BRANDHUB_TEST_DATABASE_URL pointing at a database it may
# use as a maintenance database (tests/plugins/databases.py creates one database
# per test from a migrated template). If BRANDHUB_TEST_DATABASE_URL is already
# set, that server is used as it is and no cluster is started.
#
# Otherwise PostgreSQL's server programs are looked for (Debian keeps them in
# /usr/lib/postgresql/<version>/bin); as root on Debian the `postgresql` package
# is installed when they are missing. A cluster is initialised in a temporary
# folder, listens only on a Unix socket in that folder (no TCP port, so it cannot
# clash with a running server), runs without fsync (its data is thrown away),
# and is stopped and deleted when the command ends, whatever happened. As root,
# the cluster runs as the `postgres` user, because PostgreSQL refuses to run as
# root.
#
# Exits with the command's status. When PostgreSQL cannot be had (no binaries and
# not root on Debian), says so and exits 0: the SQLite run is then the only one.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

# Which tests run here (those that reach a database, and of the pages in Chromium
# only the flows marked both_databases) is decided by tests/plugins/databases.py.

if [ -n "${BRANDHUB_TEST_DATABASE_URL:-}" ]; then
  echo "PostgreSQL run: using BRANDHUB_TEST_DATABASE_URL as given"
  exec "$@"
fi

say() { echo "PostgreSQL run: $*"; }

find_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
    return
  fi
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
  fi
}

is_root() { [ "$(id -u)" = 0 ]; }

bindir=$(find_bindir)
if [ -z "$bindir" ]; then
  if is_root && [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
    say "installing the postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq postgresql >/dev/null; then
      apt-get update -qq
      apt-get install -y -qq postgresql >/dev/null
    fi
    bindir=$(find_bindir)
  fi
fi
if [ -z "$bindir" ]; then
  say "skipped: PostgreSQL is not installed (install it, or run as root on Debian," \
    "or set BRANDHUB_TEST_DATABASE_URL)"
  exit 0
fi

# As root, the cluster's programs run as `postgres`; otherwise as ourselves.
owner() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}
base=${TMPDIR:-/tmp}
if is_root; then
  if ! id postgres >/dev/null 2>&1; then
    say "skipped: running as root and there is no postgres user to own the cluster"
    exit 0
  fi
  base=/tmp  # a folder the postgres user can reach
fi

workdir=$(mktemp -d "$base/brandhub-pg.XXXXXX")
data="$workdir/data"
if is_root; then
  chown postgres: "$workdir"
  # Others may pass through to the socket (the data folder stays 0700): a test
  # child in a user namespace has no root privilege over this folder.
  chmod 711 "$workdir"
fi

cleanup() {
  status=$?
  trap - EXIT INT TERM
  if [ -f "$data/postmaster.pid" ]; then
    owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

locale=C
if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then
  locale=C.UTF-8
fi

owner "$bindir/initdb" -D "$data" -U brandhub --auth=trust -E UTF8 \
  --locale="$locale" --no-sync >"$workdir/initdb.log" 2>&1 ||
  { cat "$workdir/initdb.log" >&2; exit 1; }

# Throwaway data: durability off, a socket in our folder, no TCP.
cat >>"$data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$workdir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF

if ! owner "$bindir/pg_ctl" -D "$data" -l "$workdir/server.log" -w -t 60 \
  start >/dev/null; then
  cat "$workdir/server.log" >&2
  exit 1
fi
owner "$bindir/createdb" -h "$workdir" -U brandhub brandhub_test

version=$("$bindir/pg_ctl" --version | awk '{print $3}')
say "PostgreSQL $version, throwaway cluster in $workdir"
export BRANDHUB_TEST_DATABASE_URL="postgresql+psycopg://brandhub@/brandhub_test?host=$workdir"
set +e
"$@"
status=$?
set -e
exit "$status"
