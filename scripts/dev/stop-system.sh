#!/usr/bin/env bash
# Stops what scripts/dev/run-system.sh started (npm run stop): the console, the four services, gracefully
# (SIGTERM: they finish their batch, flush the outbox and close), then the dev mailbox.
# Kafka and PostgreSQL stay up (npm run kafka:stop stops the broker).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="$ROOT/.cache/run"
# shellcheck source=scripts/dev/processes.sh
source "$ROOT/scripts/dev/processes.sh"

stopped_any=false
# The console first: it only reads and calls the services.
if running_pid console "dist/apps/ops/src/main.js" >/dev/null; then stopped_any=true; fi
stop_process console "dist/apps/ops/src/main.js"
for svc in billing eligibility licensing notifications; do
  if running_pid "$svc" "dist/apps/$svc/src/main.js" >/dev/null; then stopped_any=true; fi
  # In parallel: each drains on its own.
  stop_process "$svc" "dist/apps/$svc/src/main.js" &
done
wait
if running_pid mailbox dev-mailbox.js >/dev/null; then stopped_any=true; fi
stop_process mailbox dev-mailbox.js
$stopped_any || echo "stop: nothing was running"
