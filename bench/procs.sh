# Sourced by bench/run.sh and bench/ingest.sh: timestamped log lines, and stopping a started process.
log() { echo "[$(date +%H:%M:%S)] $*"; }
stop_pid() { # pid, seconds to wait before SIGKILL
  local pid=$1 t=${2:-30}
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((t * 10))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
