#!/bin/sh
# Runs one service of the image: `entrypoint.sh billing`, or SERVICE=billing with no
# arguments; `console` runs the support and ops console on :3005 (all interfaces);
# any other command (e.g. `node dist/scripts/kafka/create-topics.js`) runs as is.
set -e
# A young generation of 2 x 8 MB instead of V8's 2 x 16 MB, and an old generation of at most
# 256 MB, bound the heap V8 keeps (peak RSS under 300 MB per service: docs/performance.md,
# sessions 4 and 7). The same flags as libs/testing (SERVICE_NODE_FLAGS) and
# scripts/dev/run-system.sh.
NODE_FLAGS="--max-semi-space-size=8 --max-old-space-size=256"
case "${1:-}" in
  billing | eligibility | licensing | notifications) exec node $NODE_FLAGS "dist/apps/$1/src/main.js" ;;
  console) exec node dist/apps/ops/src/main.js console --host 0.0.0.0 --port 3005 ;;
  "")
    : "${SERVICE:?set SERVICE to billing, eligibility, licensing or notifications}"
    exec node $NODE_FLAGS "dist/apps/$SERVICE/src/main.js"
    ;;
  *) exec "$@" ;;
esac
