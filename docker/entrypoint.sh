#!/bin/sh
# Runs one service of the image: `entrypoint.sh billing`, or SERVICE=billing with no
# arguments; `console` runs the support and ops console on :3005 (all interfaces);
# any other command (e.g. `node dist/scripts/kafka/create-topics.js`) runs as is.
set -e
# Each service runs with its node flags (V8's heap sizes) from package.json, as in libs/testing
# and scripts/dev/run-system.sh: libs/platform/src/node-flags.ts says why.
run_service() {
  flags="$(node dist/libs/platform/src/node-flags.js "$1")"
  # shellcheck disable=SC2086 # the flags are words
  exec node $flags "dist/apps/$1/src/main.js"
}
case "${1:-}" in
  billing | eligibility | licensing | notifications) run_service "$1" ;;
  console) exec node dist/apps/ops/src/main.js console --host 0.0.0.0 --port 3005 ;;
  "")
    : "${SERVICE:?set SERVICE to billing, eligibility, licensing or notifications}"
    run_service "$SERVICE"
    ;;
  *) exec "$@" ;;
esac
