#!/usr/bin/env bash
# Stops whatever dev/demo.sh left running (workload, Sideview, both shards), from the pid files in
# dev/.run/. A pid is stopped only if it still runs the demo's command line.
#   dev/stop.sh [--clean]     --clean also deletes dev/.run/ (logs and data)
set -euo pipefail
DEV=$(cd "$(dirname "$0")" && pwd)
RUN=$DEV/.run
CLEAN=0
case "${1:-}" in
  --clean) CLEAN=1 ;;
  "") ;;
  *) echo "usage: dev/stop.sh [--clean]" >&2; exit 2 ;;
esac

stop() { # pid file, text its command line must contain, seconds before SIGKILL
  local f=$1 want=$2 t=$3 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$want"; then
    echo "stopping pid $pid (dev/${f#$DEV/})"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq $((t * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "pid $pid did not stop in ${t}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$f"
}
stop "$RUN/workload.pid" "Workload run" 30
stop "$RUN/sideview.pid" "sideview.jar" 60
stop "$RUN/shard1/mysqld.pid" "--datadir=$RUN/shard1/data" 60
stop "$RUN/shard0/mysqld.pid" "--datadir=$RUN/shard0/data" 60
if [ $CLEAN = 1 ]; then rm -rf "$RUN"; echo "removed dev/.run/"; fi
