#!/usr/bin/env bash
# Runs the whole system locally (npm start): builds, brings up PostgreSQL and the Kafka broker,
# starts a development mailbox and the four services in the background, waits until each is
# ready, loads the demo accounts, says how to drive a reactivation, then tails the services' logs
# until Ctrl-C, which stops them gracefully (SIGTERM). Idempotent: what already runs is kept.
#
#   bash scripts/dev/run-system.sh [--detach] [--no-build]
#     --detach     return once everything is up (stop later with npm run stop)
#     --no-build   use dist/ as it is
#
# Pid files and logs: .cache/run/; mails: .cache/mail/. The services run with their defaults
# (ports 3001-3004, databases reactivation_<service>) plus the variables below.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="$ROOT/.cache/run"
SERVICES=(billing eligibility licensing notifications)
declare -A PORTS=([billing]=3001 [eligibility]=3002 [licensing]=3003 [notifications]=3004)
READY_TIMEOUT="${READY_TIMEOUT:-120}"

detach=false
build=true
for arg in "$@"; do
  case "$arg" in
    --detach) detach=true ;;
    --no-build) build=false ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-system: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

log() { echo "run: $*"; }
# shellcheck source=scripts/dev/processes.sh
source "$ROOT/scripts/dev/processes.sh"

cd "$ROOT"
mkdir -p "$RUN_DIR" "$ROOT/.cache/mail"

if $build; then
  log "building (npm run build)..."
  npm run --silent build || { log "the build failed; fix it, or run what dist/ holds with --no-build"; exit 1; }
fi

bash "$ROOT/scripts/dev/infra-up.sh"

# What every service runs with; anything already exported wins (e.g. LOG_LEVEL=debug npm start).
# POLY_ENV=development is what allows the development secrets below (and the services' own
# development defaults for PII_ENCRYPTION_KEY and STATUS_PAGE_SECRET); without it they refuse them.
export POLY_ENV="${POLY_ENV:-development}"
export SMTP_URL="${SMTP_URL:-smtp://127.0.0.1:1025}"
export UPSTREAM_SIGNING_SECRET="${UPSTREAM_SIGNING_SECRET:-dev-upstream-secret}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export KAFKA_TOPIC_PREFIX="${KAFKA_TOPIC_PREFIX:-}"
export KAFKAJS_NO_PARTITIONER_WARNING=1
# Ops and support dev tokens, plus a customer token per demo account (dev-customer-token-<id>).
API_TOKENS="${API_TOKENS:-$(node dist/scripts/dev/demo-data.js --api-tokens)}"
export API_TOKENS

if pid="$(running_pid mailbox dev-mailbox.js)"; then
  log "mailbox already running (pid $pid)"
elif port_open 1025; then
  log "something else listens on 127.0.0.1:1025; the services will send their mail there"
else
  start_process mailbox node dist/scripts/dev/dev-mailbox.js
  log "mailbox started (pid $(cat "$RUN_DIR/mailbox.pid"))"
fi

# Each service runs with its node flags (V8's heap sizes) from package.json, as in
# docker/entrypoint.sh and libs/testing: libs/platform/src/node-flags.ts says why.
for svc in "${SERVICES[@]}"; do
  port="${PORTS[$svc]}"
  if pid="$(running_pid "$svc" "dist/apps/$svc/src/main.js")"; then
    log "$svc already running (pid $pid) on :$port"
    continue
  fi
  if port_open "$port"; then
    log "port $port is taken by another process, so $svc cannot start; free it (ss -ltnp | grep :$port)"
    exit 1
  fi
  flags="$(node dist/libs/platform/src/node-flags.js "$svc")"
  # shellcheck disable=SC2086 # the flags are words
  HTTP_PORT="$port" DATABASE_URL="postgres://postgres@127.0.0.1:5432/reactivation_$svc" \
    start_process "$svc" node $flags "dist/apps/$svc/src/main.js"
  log "$svc started (pid $(cat "$RUN_DIR/$svc.pid")) on :$port, log .cache/run/$svc.log"
done

# Ready = database migrated and connected, consumer in its group (the platform's /health/ready).
deadline=$((SECONDS + READY_TIMEOUT))
for svc in "${SERVICES[@]}"; do
  until curl -sf -o /dev/null "http://127.0.0.1:${PORTS[$svc]}/health/ready"; do
    if ! running_pid "$svc" "dist/apps/$svc/src/main.js" >/dev/null; then
      log "$svc exited during startup; last lines of .cache/run/$svc.log:"
      tail -n 30 "$RUN_DIR/$svc.log" >&2
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "$svc not ready after ${READY_TIMEOUT} s; see .cache/run/$svc.log"
      exit 1
    fi
    sleep 0.5
  done
  log "$svc ready: http://127.0.0.1:${PORTS[$svc]}"
done

node dist/scripts/dev/demo-data.js --quiet

# The support and ops console (apps/ops): after the services, whose APIs it uses.
CONSOLE_PORT="${CONSOLE_PORT:-3005}"
if pid="$(running_pid console "dist/apps/ops/src/main.js")"; then
  log "console already running (pid $pid) on :$CONSOLE_PORT"
elif port_open "$CONSOLE_PORT"; then
  log "port $CONSOLE_PORT is taken by another process, so the console cannot start; free it (ss -ltnp | grep :$CONSOLE_PORT)"
  exit 1
else
  start_process console node dist/apps/ops/src/main.js console --port "$CONSOLE_PORT"
  until curl -sf -o /dev/null "http://127.0.0.1:$CONSOLE_PORT/sign-in"; do
    if ! running_pid console "dist/apps/ops/src/main.js" >/dev/null; then
      log "the console exited during startup; last lines of .cache/run/console.log:"
      tail -n 30 "$RUN_DIR/console.log" >&2
      exit 1
    fi
    sleep 0.3
  done
  log "console started (pid $(cat "$RUN_DIR/console.pid")), log .cache/run/console.log"
fi

cat <<EOF

The system is up.
  console    http://127.0.0.1:$CONSOLE_PORT  (sign in with dev-ops-token, or dev-support-token;
             dev-support-token-<contactId> is a support person of the roster, e.g. eu-amelie-laurent)
  services   billing :3001  eligibility :3002  licensing :3003  notifications :3004
             tokens: ops dev-ops-token, support dev-support-token, customer dev-customer-token-<accountId>
  logs       .cache/run/<service>.log (JSON, one line per event)
  emails     http://127.0.0.1:1080 (the dev mailbox), files in .cache/mail/
  stop       npm run stop (Kafka and PostgreSQL stay up: npm run kafka:stop)

Drive a reactivation (quote, order, signed payment, then the saga to its end):
  npm run reactivate -- --account demo-happy
  npm run reactivate -- --account demo-window --window-in 20
  npm run reactivate -- --account demo-terminated
It prints the order's timeline, its emails and its status page. Demo accounts:
$(node dist/scripts/dev/demo-data.js --list)
npm run demo reloads them (resets accounts an earlier run reactivated).
EOF

if $detach; then
  exit 0
fi

echo
log "tailing the services' logs; Ctrl-C stops the services"
# In the background (so a SIGTERM to this script is handled at once), then killed by the trap.
# --pid: it also ends when our parent does (npm killed without passing the signal on), so a
# foreground session never leaves the services running behind it.
tail --pid="$PPID" -n 0 -F "$RUN_DIR"/{billing,eligibility,licensing,notifications,mailbox,console}.log \
  2>/dev/null > >(node dist/scripts/dev/log-lines.js) &
tail_pid=$!
trap 'kill "$tail_pid" 2>/dev/null; echo; bash "$ROOT/scripts/dev/stop-system.sh"; exit 0' INT TERM
wait "$tail_pid" || true
log "the process that started this one has ended; stopping the services"
bash "$ROOT/scripts/dev/stop-system.sh"
