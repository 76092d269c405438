#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server from Debian's packages:
#   bash scripts/with-postgres.sh <command...>
# The server lives in a temp folder, listens on a free loopback port, runs as
# the unprivileged `postgres` user, and is stopped and removed when the
# command ends, whether it passed or not. The command sees its URL in
# IDENTITY_MFA_TEST_PG (a superuser; tests create a database each).
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "with-postgres: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

dir=$(mktemp -d /tmp/identity-mfa-pg.XXXXXX)
run_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
stop() {
  run_as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
run_as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200"
run_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "$options" start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 1; }

export IDENTITY_MFA_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres"
export IDENTITY_MFA_TEST_PG_CTL="$bin/pg_ctl"
export IDENTITY_MFA_TEST_PG_DATA="$dir/data"
export IDENTITY_MFA_TEST_PG_OPTIONS="$options"
export IDENTITY_MFA_TEST_PG_LOG="$dir/server.log"
"$@"
