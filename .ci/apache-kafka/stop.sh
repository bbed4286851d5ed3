#!/usr/bin/env bash
# Stops the Apache Kafka broker start.sh started (by its pid file only): SIGTERM for a clean
# shutdown, SIGKILL after 20 s, then removes the pid and bootstrap files (the log stays).
# KAFKA_RUN_DIR: the folder of a second broker start.sh ran with the same variable.
set -euo pipefail
cd "$(dirname "$0")/../.."
run=${KAFKA_RUN_DIR:-.tools/kafka-run}
[ -f "$run/pid" ] || exit 0
pid=$(cat "$run/pid")
rm -f "$run/bootstrap"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "Apache Kafka (pid $pid) did not stop within 20 s: killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
fi
rm -f "$run/pid"
