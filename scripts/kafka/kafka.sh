#!/usr/bin/env bash
# A real, single-node Apache Kafka broker (KRaft mode) for development, tests and CI,
# run straight from jars resolved out of Maven Central (no Docker, no tarball download).
#
#   bash scripts/kafka/kafka.sh start    resolve jars if missing, format storage once, start, wait, create topics
#   bash scripts/kafka/kafka.sh stop     SIGTERM, wait up to 30 s, then SIGKILL
#   bash scripts/kafka/kafka.sh status   "running (pid N)" and exit 0, else exit 1
#   bash scripts/kafka/kafka.sh topics   create missing topics and verify them (broker must be up)
#   bash scripts/kafka/kafka.sh kill9    SIGKILL the broker (for fault tests)
#   bash scripts/kafka/kafka.sh reset    stop and delete the data dir
#
# Every subcommand is idempotent. Environment:
#   KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA_DIR (.cache/kafka/data),
#   KAFKA_RUN_DIR (.cache/kafka: pid file, properties, logs), KAFKA_HEAP (-Xms512m -Xmx1g),
#   KAFKA_START_TIMEOUT (180 seconds: a data dir holding the
#   partitions of many test runs takes a minute to load; `reset` empties it), KAFKA_TOPIC_PREFIX (empty).
#
# Secure mode (KAFKA_SECURE=true), the broker of docker/compose.yaml on this machine: the client
# listener is SASL_PLAINTEXT (PLAIN for the admin, whose password KAFKA_ADMIN_PASSWORD is in the
# listener's JAAS line, SCRAM-SHA-512 for everyone else), every request is authorized
# (StandardAuthorizer, allow.everyone.if.no.acl.found=false) and `start` puts the ACLs of
# libs/contracts KAFKA_ACCESS (scripts/kafka/create-acls.ts) after the topics, as the admin.
# KAFKA_SCRAM_USERS ("user:password user:password ...") are the SCRAM users, written into the
# metadata log when the storage is formatted (`reset` to change them).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/scripts/kafka"
LIBS="$ROOT/.cache/kafka/libs"
RUN_DIR="${KAFKA_RUN_DIR:-$ROOT/.cache/kafka}"
DATA_DIR="${KAFKA_DATA_DIR:-$RUN_DIR/data}"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
PROPS="$RUN_DIR/server.properties"
PID_FILE="$RUN_DIR/kafka.pid"
LOG_FILE="$RUN_DIR/server.log"   # the broker's own log (log4j.properties: WARN and up)
OUT_FILE="$RUN_DIR/server.out"   # the JVM's stdout/stderr: crashes, bad options, OOM
HEAP="${KAFKA_HEAP:--Xms512m -Xmx1g}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-180}"
SECURE="${KAFKA_SECURE:-false}"
if [[ "$SECURE" == "true" ]]; then
  : "${KAFKA_ADMIN_PASSWORD:?KAFKA_SECURE=true needs KAFKA_ADMIN_PASSWORD}"
  # The Node.js scripts below (readiness, topics, ACLs) connect as the admin.
  export KAFKA_SASL_MECHANISM=plain KAFKA_SASL_USERNAME=admin KAFKA_SASL_PASSWORD="$KAFKA_ADMIN_PASSWORD"
fi

log() { echo "kafka: $*"; }

# Runs a TypeScript file of this folder with the repo's tsconfig (for the @app/* paths).
run_ts() {
  (cd "$ROOT" && TS_NODE_PROJECT="$ROOT/tsconfig.json" \
    node -r ts-node/register/transpile-only -r tsconfig-paths/register "$@")
}

# The pid from the pid file, if that process is alive and really is a Kafka broker
# (a stale pid file may name a pid the system has since given to something else).
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  grep -qa 'kafka\.Kafka' "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

resolve_jars() {
  # The jars are keyed by the pom's checksum, so changing the pom re-resolves them.
  local sum
  sum="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
  if [[ -f "$LIBS/.pom.sha256" && "$(cat "$LIBS/.pom.sha256")" == "$sum" ]]; then
    return 0
  fi
  log "resolving Apache Kafka jars from Maven Central into ${LIBS#"$ROOT"/} (first time only)..."
  local t0=$SECONDS
  rm -rf "$LIBS"
  # Maven 3.8's -q still prints bare ANSI reset codes (on stdout and stderr); strip them (pipefail keeps mvn's exit code).
  mvn -q -B -Dstyle.color=never -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIBS" 2>&1 |
    sed -e $'s/\x1b\\[[0-9;]*m//g'
  echo "$sum" >"$LIBS/.pom.sha256"
  log "resolved $(ls "$LIBS"/*.jar | wc -l) jars in $((SECONDS - t0)) s"
}

write_properties() {
  mkdir -p "$RUN_DIR" "$DATA_DIR"
  if [[ "$SECURE" == "true" ]]; then
    write_secure_properties
    return 0
  fi
  cat >"$PROPS" <<EOF
# Written by scripts/kafka/kafka.sh on every start; edit the script, not this file.
# One JVM is both the KRaft controller and the broker.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$DATA_DIR

# Topics are created explicitly (create-topics.ts) with their partitions and config;
# a typo in a topic name must fail, not silently create a new topic.
auto.create.topics.enable=false
num.partitions=6

# A single node cannot hold more than one replica of anything.
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1

# Consumers in tests join a group once; do not wait 3 s for more members.
group.initial.rebalance.delay.ms=0

# DURABLE: fsync every append before it is acknowledged. Kafka normally leaves flushing to
# the OS and relies on replicas on other machines for durability; with a single replica
# there is no other copy, so an acknowledged event must be on disk to survive a machine
# crash (a killed broker process alone loses nothing: the page cache survives it).
# It costs throughput, which this project's volume does not notice.
log.flush.interval.messages=1
EOF
}

# The settings of docker/compose.yaml's broker (its KAFKA_* variables), on this machine's loopback.
write_secure_properties() {
  local jaas_admin="username=\"admin\" password=\"$KAFKA_ADMIN_PASSWORD\" user_admin=\"$KAFKA_ADMIN_PASSWORD\""
  (
    umask 077 # the admin password is in it
    cat >"$PROPS" <<EOF
# Written by scripts/kafka/kafka.sh (KAFKA_SECURE=true) on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
# Every listener authenticates, the controller's too (the broker logs in to it as the admin):
# nobody is a super user without the admin password.
listeners=INTERNAL://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=INTERNAL://127.0.0.1:$PORT
listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.internal.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required $jaas_admin;
listener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required $jaas_admin;
# Nothing is allowed that no ACL allows (libs/contracts KAFKA_ACCESS).
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
log.dirs=$DATA_DIR
auto.create.topics.enable=false
num.partitions=6
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
log.flush.interval.messages=1
EOF
  )
}

format_storage() {
  # meta.properties is what StorageTool writes; its presence means "already formatted",
  # so a restart keeps the data and the cluster id.
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    if [[ "$SECURE" == "true" && -n "${KAFKA_SCRAM_USERS:-}" ]]; then
      log "storage formatted before: its SCRAM users stay those it was formatted with (reset to change them)"
    fi
    return 0
  fi
  local cluster_id
  # A Kafka cluster id is 16 random bytes in URL-safe base64 without padding; one starting with
  # '-' would be read as an option by StorageTool (1 start in 64 failed), so draw again.
  cluster_id="$(node -e "let id; do id = require('crypto').randomBytes(16).toString('base64url'); while (id.startsWith('-')); process.stdout.write(id)")"
  # Secure mode: the SCRAM users of KAFKA_SCRAM_USERS go into the metadata log with the format.
  local scram=() entries=() entry
  if [[ "$SECURE" == "true" ]]; then
    read -r -a entries <<<"${KAFKA_SCRAM_USERS:-}"
    for entry in "${entries[@]}"; do
      [[ "$entry" == ?*:?* ]] || { log "KAFKA_SCRAM_USERS: every entry must be user:password"; exit 1; }
      scram+=(--add-scram "SCRAM-SHA-512=[name=${entry%%:*},password=${entry#*:}]")
    done
  fi
  log "formatting storage in $DATA_DIR (cluster id $cluster_id)"
  java -cp "$LIBS/*" -Dlog4j.configuration="file:$HERE/log4j.properties" -Dkafka.logs.dir="$RUN_DIR" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" --ignore-formatted "${scram[@]}" >>"$OUT_FILE" 2>&1 \
    || { log "formatting failed:"; tail -n 20 "$OUT_FILE"; exit 1; }
}

launch() {
  rm -f "$PID_FILE"
  # setsid: the broker gets its own session, so it outlives this script, the shell that
  # ran it and any Ctrl-C or process-group kill aimed at them. The inner bash writes its
  # own pid and then execs java, so the pid file names the JVM itself.
  # shellcheck disable=SC2086 # KAFKA_HEAP is a list of options
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java $HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$HERE/log4j.properties" -Dkafka.logs.dir="$RUN_DIR" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" </dev/null >>"$OUT_FILE" 2>&1 &
  for _ in $(seq 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
}

# Waits until the broker answers Kafka clients, not just until the port is open.
wait_ready() {
  local deadline=$((SECONDS + START_TIMEOUT))
  printf 'kafka: waiting for 127.0.0.1:%s ' "$PORT"
  until port_open "$PORT"; do
    if ! running_pid >/dev/null; then
      echo
      log "the broker exited during startup; last lines of its logs:"
      tail -n 30 "$OUT_FILE" "$LOG_FILE" 2>/dev/null || true
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo
      log "port $PORT not open after ${START_TIMEOUT} s; see $LOG_FILE and $OUT_FILE"
      exit 1
    fi
    printf '.'
    sleep 1
  done
  echo
  run_ts "$HERE/broker-ready.ts" "127.0.0.1:$PORT" "$((deadline - SECONDS > 5 ? deadline - SECONDS : 5))"
}

ensure_topics() {
  KAFKA_BROKERS="127.0.0.1:$PORT" run_ts "$HERE/create-topics.ts"
  if [[ "$SECURE" == "true" ]]; then
    KAFKA_BROKERS="127.0.0.1:$PORT" run_ts "$HERE/create-acls.ts"
  fi
}

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid) on 127.0.0.1:$PORT; ensuring topics only"
    ensure_topics
    return 0
  fi
  if port_open "$PORT"; then
    # Not ours (no live pid file), e.g. a broker of another checkout or a container.
    log "no broker of this script runs, but something listens on 127.0.0.1:$PORT; checking it is Kafka"
    run_ts "$HERE/broker-ready.ts" "127.0.0.1:$PORT" 10 ||
      { log "port $PORT is taken by something that is not a Kafka broker"; exit 1; }
    log "using the broker already on 127.0.0.1:$PORT (not started by this script)"
    ensure_topics
    return 0
  fi
  if port_open "$CONTROLLER_PORT"; then
    log "controller port $CONTROLLER_PORT is taken; set KAFKA_CONTROLLER_PORT"
    exit 1
  fi
  local t0=$SECONDS
  resolve_jars
  write_properties
  format_storage
  launch
  pid="$(cat "$PID_FILE" 2>/dev/null || echo '?')"
  log "started pid $pid (heap: $HEAP), data in $DATA_DIR, log in $LOG_FILE"
  wait_ready
  log "broker up in $((SECONDS - t0)) s"
  ensure_topics
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    rm -f "$PID_FILE"
    return 0
  fi
  printf 'kafka: stopping pid %s ' "$pid"
  kill -TERM "$pid" 2>/dev/null || true
  # A controlled shutdown flushes and closes the logs, so the next start needs no recovery.
  for _ in $(seq 60); do
    kill -0 "$pid" 2>/dev/null || break
    printf '.'
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo
    log "still alive after 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  else
    echo ' stopped'
  fi
  rm -f "$PID_FILE"
}

cmd_kill9() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    rm -f "$PID_FILE"
    return 0
  fi
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$PID_FILE"
  log "killed pid $pid with SIGKILL"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running (pid $pid)"
    return 0
  fi
  echo "not running"
  return 1
}

cmd_reset() {
  cmd_stop
  rm -rf "$DATA_DIR"
  log "deleted $DATA_DIR"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  topics) ensure_topics ;;
  kill9) cmd_kill9 ;;
  reset) cmd_reset ;;
  *)
    echo "usage: $0 start|stop|status|topics|kill9|reset" >&2
    exit 2
    ;;
esac
