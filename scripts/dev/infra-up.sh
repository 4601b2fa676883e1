#!/usr/bin/env bash
# Everything the services need locally: PostgreSQL (started if down) with the four
# databases, and the Kafka broker with its topics. Idempotent; safe to run any time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

bash "$ROOT/scripts/db/ensure-databases.sh"   # starts PostgreSQL itself when it does not answer
bash "$ROOT/scripts/kafka/kafka.sh" start
