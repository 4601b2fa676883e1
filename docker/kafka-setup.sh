#!/bin/sh
# One-shot (compose service kafka-setup, image apache/kafka): as the admin, creates the SCRAM user
# of each Kafka client (a service, upstream billing, ops). Idempotent (sets the password again).
# What each user may read and write is not here: the `topics` job puts the ACLs of libs/contracts
# KAFKA_ACCESS on the broker (scripts/kafka/create-acls.ts); a unit test
# (libs/contracts/src/kafka-access.spec.ts) checks that the users below are the table's.
# KAFKA_BOOTSTRAP and KAFKA_BIN let it run against another broker (docker/README.md).
set -eu
BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
BIN="${KAFKA_BIN:-/opt/kafka/bin}"
ADMIN="$(mktemp)"
trap 'rm -f "$ADMIN"' EXIT
cat >"$ADMIN" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
PROPS

user() { # user <name> <password>
  "$BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" --alter \
    --entity-type users --entity-name "$1" --add-config "SCRAM-SHA-512=[password=$2]"
}

user billing "$KAFKA_BILLING_PASSWORD"
user eligibility "$KAFKA_ELIGIBILITY_PASSWORD"
user licensing "$KAFKA_LICENSING_PASSWORD"
user notifications "$KAFKA_NOTIFICATIONS_PASSWORD"
user upstream-billing "$KAFKA_UPSTREAM_PASSWORD"
user ops "$KAFKA_OPS_PASSWORD"

echo "kafka-setup: SCRAM users in place"
