#!/usr/bin/env bash
# Creates the services' PostgreSQL databases if missing, starting the local PostgreSQL
# cluster first when it does not answer. Idempotent.
# Env: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres); PGPASSWORD if the server wants one.
set -euo pipefail

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DATABASES=(reactivation_billing reactivation_eligibility reactivation_licensing reactivation_notifications)

log() { echo "db: $*"; }

if ! pg_isready -q -t 2; then
  # Only a local server can be started from here; the cluster name comes from /etc/postgresql.
  if [[ "$PGHOST" != 127.0.0.1 && "$PGHOST" != localhost ]] || ! command -v pg_ctlcluster >/dev/null; then
    log "PostgreSQL at $PGHOST:$PGPORT does not answer and is not a local cluster this script can start"
    exit 1
  fi
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  log "PostgreSQL at $PGHOST:$PGPORT does not answer; starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 30); do pg_isready -q -t 1 && break; sleep 1; done
  pg_isready -q -t 2 || { log "PostgreSQL still not answering after 30 s"; exit 1; }
fi

for db in "${DATABASES[@]}"; do
  if [[ "$(psql -d postgres -XAtqc "SELECT 1 FROM pg_database WHERE datname = '$db'")" == 1 ]]; then
    log "$db exists"
  else
    # CREATE DATABASE has no IF NOT EXISTS; a parallel run may win the race, which is fine.
    if psql -d postgres -Xqc "CREATE DATABASE \"$db\"" 2>/tmp/ensure-db.$$; then
      log "$db created"
    elif grep -q 'already exists' /tmp/ensure-db.$$; then
      log "$db exists"
    else
      cat /tmp/ensure-db.$$ >&2
      rm -f /tmp/ensure-db.$$
      exit 1
    fi
    rm -f /tmp/ensure-db.$$
  fi
done
