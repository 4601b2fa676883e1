#!/usr/bin/env bash
# Stops the local Kafka broker. PostgreSQL is the machine's own service and stays up.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

bash "$ROOT/scripts/kafka/kafka.sh" stop
