#!/bin/sh
# Runs one service of the image: `entrypoint.sh billing`, or SERVICE=billing with no
# arguments; `console` runs the support and ops console on :3005 (all interfaces);
# any other command (e.g. `node dist/scripts/kafka/create-topics.js`) runs as is.
set -e
case "${1:-}" in
  billing | eligibility | licensing | notifications) exec node "dist/apps/$1/src/main.js" ;;
  console) exec node dist/apps/ops/src/main.js console --host 0.0.0.0 --port 3005 ;;
  "")
    : "${SERVICE:?set SERVICE to billing, eligibility, licensing or notifications}"
    exec node "dist/apps/$SERVICE/src/main.js"
    ;;
  *) exec "$@" ;;
esac
