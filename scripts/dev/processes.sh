#!/usr/bin/env bash
# Background processes of the local system, by pid file under $RUN_DIR (sourced by run-system.sh
# and stop-system.sh). A pid counts only while it is alive and still runs what it was started for,
# so a stale pid file (after a reboot) never makes us skip a start or signal a stranger.

# running_pid <name> <command-line fragment>: prints the pid, or fails.
running_pid() {
  local file="$RUN_DIR/$1.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  grep -qaF "$2" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_process <name> <command...>: in its own session (a Ctrl-C aimed at the terminal does not
# reach it: shutdown is ours to do), output appended to $RUN_DIR/<name>.log. The inner bash writes
# its own pid and then execs, so the pid file names the process itself.
start_process() {
  local name="$1"
  shift
  rm -f "$RUN_DIR/$name.pid"
  echo "--- started $(date -u +%FT%TZ): $*" >>"$RUN_DIR/$name.log"
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$RUN_DIR/$name.pid" "$@" </dev/null >>"$RUN_DIR/$name.log" 2>&1 &
  for _ in $(seq 50); do [[ -s "$RUN_DIR/$name.pid" ]] && break; sleep 0.1; done
}

# stop_process <name> <command-line fragment>: SIGTERM, up to 30 s to drain, then SIGKILL.
stop_process() {
  local pid
  if ! pid="$(running_pid "$1" "$2")"; then
    rm -f "$RUN_DIR/$1.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop: $1 (pid $pid) still alive after 30 s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  else
    echo "stop: $1 stopped (pid $pid)"
  fi
  rm -f "$RUN_DIR/$1.pid"
}
