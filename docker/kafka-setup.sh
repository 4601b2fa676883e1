#!/bin/sh
# One-shot (compose service kafka-setup, image apache/kafka): as the admin, creates a SCRAM user
# per client and the ACLs that say which topics each may read and write. Idempotent.
# The broker refuses everything that no ACL allows (allow.everyone.if.no.acl.found=false).
set -eu
BOOTSTRAP=kafka:9092
BIN=/opt/kafka/bin
ADMIN=/tmp/admin.properties
cat >"$ADMIN" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
PROPS

user() { # user <name> <password>
  "$BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" --alter \
    --entity-type users --entity-name "$1" --add-config "SCRAM-SHA-512=[password=$2]"
}
acl() { # acl <user> <operations...> -- <resource options...>
  principal="User:$1"; shift
  ops=""
  while [ "$1" != "--" ]; do ops="$ops --operation $1"; shift; done
  shift
  # shellcheck disable=SC2086
  "$BIN/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" --add \
    --allow-principal "$principal" $ops "$@" --force >/dev/null
}
reads() { for t in "$@"; do acl "$svc" Read Describe -- --topic "$t"; done; }
writes() { for t in "$@"; do acl "$svc" Write Describe -- --topic "$t"; done; }
group() { acl "$svc" Read Describe -- --group "$1"; }

user billing "$KAFKA_BILLING_PASSWORD"
user eligibility "$KAFKA_ELIGIBILITY_PASSWORD"
user licensing "$KAFKA_LICENSING_PASSWORD"
user notifications "$KAFKA_NOTIFICATIONS_PASSWORD"
user ops "$KAFKA_OPS_PASSWORD"
user upstream-billing "$KAFKA_UPSTREAM_PASSWORD"

# Who reads and writes what (README, "Security"). Every service writes its own dead letters.
svc=billing
group reactivation-billing
reads billing.payments.v1 reactivation.eligibility.v1 reactivation.licensing.v1
writes reactivation.billing.v1 billing.refunds.v1 reactivation-billing.dlq.v1

svc=eligibility
group reactivation-eligibility
reads reactivation.billing.v1 licensing.accounts.v1
writes reactivation.eligibility.v1 reactivation-eligibility.dlq.v1

svc=licensing
group reactivation-licensing
reads reactivation.eligibility.v1
writes reactivation.licensing.v1 licensing.accounts.v1 licensing.activations.v1 \
  reactivation-licensing.dlq.v1

svc=notifications
group reactivation-notifications
reads reactivation.billing.v1 reactivation.eligibility.v1 reactivation.licensing.v1
writes reactivation.notifications.v1 reactivation-notifications.dlq.v1

# The upstream billing system: signs and sends payments and settlements, reads refund requests.
svc=upstream-billing
group upstream-billing
reads billing.refunds.v1
writes billing.payments.v1

# The ops CLI reads every topic (saga, dlq list/show, lag), redrives and replays onto them and
# moves the services' group offsets (replay): the operator's credential, kept by ops only.
svc=ops
acl ops Read Write Describe -- --topic '*'
acl ops Read Describe Delete -- --group '*'

echo "kafka-setup: SCRAM users and ACLs in place"
