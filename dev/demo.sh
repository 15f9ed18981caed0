#!/usr/bin/env bash
# Sideview local demo: two throwaway MariaDB shards (127.0.0.1:3307 and :3308) holding social.friends
# sharded by user id (user_id % 2), sample data, Sideview capturing them (docs/examples/sideview-two-shards.yml
# and the friends view), and a workload of inserts, updates, soft deletes and restores, hard deletes,
# re-adds and primary-key moves. Ctrl-C (or --seconds) stops the workload, checks the view against SQL
# and stops everything. Logs and data stay in dev/.run/ until the next run; dev/stop.sh stops leftovers.
#   dev/demo.sh [--rate N] [--users N] [--seconds S]
#   --rate     changes per second (default 50)
#   --users    users 1..N in the sample data and the workload (default 200)
#   --seconds  stop after S seconds (default 0: run until Ctrl-C)
# Env: SIDEVIEW_PORT / SIDEVIEW_ADMIN_PORT (default 8080 / 8081), SHARD_PASSWORD (default demo-secret).
# Needs Java 17, Maven (to build the jar once), curl and mariadb-server (mariadbd, mariadb-install-db, mariadb).
set -euo pipefail

DEV=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$DEV/.." && pwd)
RUN=$DEV/.run
RATE=50; USERS=200; DURATION=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE=${2:?--rate needs a value}; shift ;;
    --users) USERS=${2:?--users needs a value}; shift ;;
    --seconds) DURATION=${2:?--seconds needs a value}; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for v in "$RATE" "$USERS" "$DURATION"; do
  [[ $v =~ ^[0-9]+$ ]] || { echo "not a number: $v" >&2; exit 2; }
done
[ "$RATE" -ge 1 ] && [ "$USERS" -ge 2 ] || { echo "--rate must be at least 1 and --users at least 2" >&2; exit 2; }

export SHARD_PASSWORD=${SHARD_PASSWORD:-demo-secret}
API_PORT=${SIDEVIEW_PORT:-8080}; ADMIN_PORT=${SIDEVIEW_ADMIN_PORT:-8081}
API=http://127.0.0.1:$API_PORT/api/v1
SHARD_PORTS=(3307 3308)   # fixed by docs/examples/sideview-two-shards.yml
SERVER_IDS=(1 2)

log() { echo "[$(date +%H:%M:%S)] $*"; }
die() { echo "demo: $*" >&2; exit 1; }

for tool in java curl mariadb mariadb-admin; do
  command -v $tool >/dev/null || die "needs $tool on the PATH"
done
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
INSTALL_DB=$(command -v mariadb-install-db || echo /usr/bin/mariadb-install-db)
[ -x "$MARIADBD" ] && [ -x "$INSTALL_DB" ] || die "needs mariadb-server (apt-get install -y mariadb-server)"

for f in "$RUN"/workload.pid "$RUN"/sideview.pid "$RUN"/shard*/mysqld.pid; do
  if [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then
    die "a previous demo is still running ($f); stop it with dev/stop.sh"
  fi
done
for p in "${SHARD_PORTS[@]}" "$API_PORT" "$ADMIN_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    case $p in
      3307|3308) die "port $p is in use (the shards need 3307 and 3308, as in docs/examples/sideview-two-shards.yml); see ss -ltnp 'sport = :$p'" ;;
      *) die "port $p is in use; see ss -ltnp 'sport = :$p', or choose others with SIDEVIEW_PORT / SIDEVIEW_ADMIN_PORT" ;;
    esac
  fi
done

# ------------------------------------------------------------------ cleanup on exit
PIDS=()
stop_pid() { # pid, seconds before SIGKILL
  local pid=$1 t=${2:-30}
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((t * 10))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "pid $pid did not stop in ${t}s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  set +e
  trap '' INT TERM HUP
  [ ${#PIDS[@]} -gt 0 ] && log "stopping the workload, Sideview and the shards"
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do stop_pid "${PIDS[$i]}" 60; done
  rm -f "$RUN"/workload.pid "$RUN"/sideview.pid
  [ ${#PIDS[@]} -gt 0 ] && log "stopped; logs and data are in ${RUN#$ROOT/}/"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
# Background processes ignore Ctrl-C (SIGINT): the script stops them, in order, from its trap.
background() { ( trap '' INT QUIT; exec "$@" ) & }

# ------------------------------------------------------------------ build
JAR=$ROOT/target/sideview.jar
if [ ! -f "$JAR" ]; then
  log "building target/sideview.jar (a few minutes, once)"
  mvn -q -B -f "$ROOT/pom.xml" package -DskipTests
fi
rm -rf "$RUN"/shard0 "$RUN"/shard1 "$RUN"/data "$RUN"/classes
mkdir -p "$RUN"
log "compiling dev/Workload.java"
javac -nowarn -cp "$JAR" -d "$RUN/classes" "$DEV/Workload.java"
WL_OPTS=(--users "$USERS" --api "$API" --shards "$(IFS=,; echo "${SHARD_PORTS[*]}")")
workload() { java -cp "$RUN/classes:$JAR" Workload "$@" "${WL_OPTS[@]}"; }

# ------------------------------------------------------------------ shards
sql() { mariadb --no-defaults -h127.0.0.1 -P"$1" -uroot "${@:2}"; }
start_shard() { # index
  local i=$1 port=${SHARD_PORTS[$1]} dir=$RUN/shard$1 sock
  mkdir -p "$dir/tmp"
  sock=$dir/mysqld.sock
  [ ${#sock} -lt 100 ] || sock=$(mktemp -u /tmp/sideview-demo-shard$i.XXXXXX.sock)
  "$INSTALL_DB" --no-defaults --user=root --datadir="$dir/data" --auth-root-authentication-method=normal \
    --skip-test-db --tmpdir="$dir/tmp" >"$dir/install.log" 2>&1 || die "mariadb-install-db failed: see $dir/install.log"
  background "$MARIADBD" --no-defaults --user=root --datadir="$dir/data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$sock" --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" --tmpdir="$dir/tmp" \
    --server-id="${SERVER_IDS[$i]}" --log-bin="$dir/data/binlog" --binlog-format=ROW --binlog-row-image=FULL \
    --expire-logs-days=1 --skip-name-resolve --innodb-buffer-pool-size=32M --innodb-log-file-size=16M \
    --innodb-flush-log-at-trx-commit=2 --character-set-server=utf8mb4 >"$dir/stdout.log" 2>&1
  PIDS+=($!)
  local pid=$!
  for _ in $(seq 300); do
    sql "$port" -e 'SELECT 1' >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || die "mariadbd for shard$i exited: see $dir/error.log"
    sleep 0.1
  done
  sql "$port" -e 'SELECT 1' >/dev/null 2>&1 || die "mariadbd for shard$i did not answer on :$port: see $dir/error.log"
  sql "$port" <<EOF
CREATE USER 'cdc'@'127.0.0.1' IDENTIFIED BY '$SHARD_PASSWORD';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, REPLICA MONITOR, LOCK TABLES ON *.* TO 'cdc'@'127.0.0.1';
EOF
  sql "$port" <"$ROOT/docs/examples/friends.sql"
  log "shard$i: MariaDB on 127.0.0.1:$port (pid $pid, data ${dir#$ROOT/}), user cdc, table social.friends"
}
start_shard 0
start_shard 1
workload seed

# ------------------------------------------------------------------ Sideview
log "starting Sideview on 127.0.0.1:$API_PORT (admin :$ADMIN_PORT), log ${RUN#$ROOT/}/sideview.log"
cd "$ROOT"
SIDEVIEW_DATA="$RUN/data" SIDEVIEW_BIND=127.0.0.1 SIDEVIEW_ADMIN_BIND=127.0.0.1 SIDEVIEW_PORT=$API_PORT \
  SIDEVIEW_ADMIN_PORT=$ADMIN_PORT background java -jar "$JAR" server docs/examples/sideview-two-shards.yml >"$RUN/sideview.log" 2>&1
SV=$!
PIDS+=($SV)
echo $SV >"$RUN/sideview.pid"
for _ in $(seq 240); do
  curl -sf -o /dev/null "$API/views" && break
  kill -0 $SV 2>/dev/null || { tail -20 "$RUN/sideview.log" >&2; die "Sideview exited: see ${RUN#$ROOT/}/sideview.log"; }
  sleep 0.5
done
curl -sf -o /dev/null "$API/views" || die "Sideview did not answer on $API/views in 120 s: see ${RUN#$ROOT/}/sideview.log"
code=$(curl -s -o "$RUN/view.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data-binary @"$ROOT/docs/examples/friends-view.json" "$API/views")
case $code in
  201) log "view 'friends' created from docs/examples/friends-view.json: copying the shards' rows, then streaming their binlogs" ;;
  409) log "view 'friends' exists already" ;;
  *) cat "$RUN/view.json" >&2; echo >&2; die "creating the view answered HTTP $code" ;;
esac

# ------------------------------------------------------------------ workload
INTERRUPTED=0
trap 'INTERRUPTED=1' INT TERM HUP
log "try: curl '$API/views/friends/count?start=1'   (Ctrl-C stops)"
background java -cp "$RUN/classes:$JAR" Workload run --rate "$RATE" --seconds "$DURATION" "${WL_OPTS[@]}"
WL=$!
PIDS+=($WL)
echo $WL >"$RUN/workload.pid"
while kill -0 $WL 2>/dev/null && [ $INTERRUPTED = 0 ]; do
  wait $WL || true
done
stop_pid $WL 30
wait $WL 2>/dev/null || true
trap 'exit 130' INT TERM HUP
workload check || { log "the view differs from SQL: see above and ${RUN#$ROOT/}/sideview.log"; exit 1; }
