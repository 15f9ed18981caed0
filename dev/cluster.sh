#!/usr/bin/env bash
# shellcheck disable=SC2015 # "A && B || C" is meant: C when A or B fails
# Sideview as a three-node cluster on one machine, to watch shards move when a node dies or stalls
# (README "Running several nodes"). `up` starts, each as its own process on 127.0.0.1:
#   - Kafka: one real KRaft broker (bench/kafka's class path), the WAL and the shard-ownership groups;
#   - HBase: no HBase distribution can be fetched here, so it is the HBase mini cluster in local mode
#     (mini ZooKeeper, master and one region server on the local file system, no HDFS) in its own JVM,
#     run by bench's io.sideview.bench.HBaseLauncher, which writes its ZooKeeper port to
#     dev/.run-cluster/hbase/zk.port; its data goes when it stops;
#   - the machine's PostgreSQL (already running; not reconfigured) as the metadata DB: user
#     sideview_dev is created if absent, and its database sideview_cluster afresh by each fresh `up`
#     (HBase and Kafka start empty then, and the registry must not outlive them);
#   - 2 throwaway MariaDB shards (ROW binlog, own datadirs and ports) holding social.friends
#     (docs/examples/friends.sql) sharded by user_id % 2, with dev/Workload.java's sample data;
#   - 3 Sideview nodes a, b and c: docs/examples/sideview-two-shards.yml with -Ddw overrides for
#     storage hbase, wal kafka, cluster.nodeName and the ports below; node a creates the friends view
#     (docs/examples/friends-view.json).
# Pids, ports, logs and data live in dev/.run-cluster/; logs stay after `down` until the next fresh `up`.
#
#   dev/cluster.sh up              start what is not running: everything when nothing runs, else the
#                                  nodes that are down (after `kill`); says so when all is up already
#   dev/cluster.sh status          each process alive, paused or down; per node its shards
#                                  (STREAMING here, ELSEWHERE on another node) and health; exit 1 unless
#                                  every process runs
#   dev/cluster.sh kill NODE       kill -9 node a, b or c: Kafka gives its shards and WAL partitions to
#                                  the other nodes after wal.kafka.sessionTimeout (6s; SIDEVIEW_CLUSTER_SESSION_TIMEOUT=10s
#                                  when nodes start sets another)
#   dev/cluster.sh pause NODE      kill -STOP (a long GC pause, a frozen VM): the same, once it times out
#   dev/cluster.sh resume NODE     kill -CONT: the node finds it lost its assignments and rejoins
#   dev/cluster.sh start NODE      start a node that is down (as `up` does)
#   dev/cluster.sh workload [--rate N] [--seconds S] [--node NODE]
#                                  dev/Workload.java's changes at N/s (50) for S seconds (30) through the
#                                  shards, then the view on NODE (the first running one) checked against SQL
#   dev/cluster.sh down            stop everything (nodes, Kafka, HBase, shards); logs stay
# Ports (read by `up`, kept for the other commands): SIDEVIEW_CLUSTER_PORT (8110: node a API 8110 and
# admin 8111, b 8120/8121, c 8130/8131), SIDEVIEW_CLUSTER_SHARD_PORT (3317: shards on 3317 and 3318),
# SIDEVIEW_CLUSTER_KAFKA_PORT (19192, its controller one above). PostgreSQL: SIDEVIEW_CLUSTER_PG_HOST
# (127.0.0.1), SIDEVIEW_CLUSTER_PG_PORT (5432), SIDEVIEW_CLUSTER_PG_ADMIN (postgres, a superuser psql
# reaches without a password, as the tests do).
# Needs Java 17, Maven (to build the jar and the Kafka and HBase class paths, once), curl, jq, psql and
# mariadb-server (mariadbd, mariadb-install-db, mariadb). About 2 GB of memory (RSS) when up.
set -euo pipefail

DEV=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$DEV/.." && pwd)
RUN=$DEV/.run-cluster
NODES=(a b c)

usage() { # the commands of the header above
  sed -n '\|^#   dev/cluster.sh up |,\|^#   dev/cluster.sh down |p' "$0" | sed 's/^# \{0,1\}//'
}
bad() { echo "cluster.sh: $*" >&2; echo "usage: dev/cluster.sh up|status|down|kill NODE|pause NODE|resume NODE|start NODE|workload [...] (see --help)" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*"; }
die() { echo "cluster.sh: $*" >&2; exit 1; }

# ------------------------------------------------------------------ arguments (checked before anything runs)
CMD=${1:-}
[ $# -gt 0 ] && shift
NODE=""; RATE=50; SECONDS_=30
case "$CMD" in
  -h|--help|help) usage; exit 0 ;;
  up|down|status)
    [ $# -eq 0 ] || bad "'$CMD' takes no arguments, got: $*" ;;
  kill|pause|resume|start)
    [ $# -eq 1 ] || bad "'$CMD' needs one node: a, b or c"
    case "$1" in a|b|c) NODE=$1 ;; *) bad "unknown node '$1': the nodes are a, b and c" ;; esac ;;
  workload)
    while [ $# -gt 0 ]; do
      case "$1" in
        --rate|--seconds|--node) [ $# -ge 2 ] || bad "$1 needs a value" ;;
        *) bad "unknown workload option '$1'" ;;
      esac
      case "$1" in
        --rate) RATE=$2 ;;
        --seconds) SECONDS_=$2 ;;
        --node) case "$2" in a|b|c) NODE=$2 ;; *) bad "unknown node '$2': the nodes are a, b and c" ;; esac ;;
      esac
      shift 2
    done
    [[ $RATE =~ ^[0-9]+$ ]] && [ "$RATE" -ge 1 ] || bad "--rate must be a whole number of at least 1, got '$RATE'"
    [[ $SECONDS_ =~ ^[0-9]+$ ]] && [ "$SECONDS_" -ge 1 ] || bad "--seconds must be a whole number of at least 1, got '$SECONDS_'" ;;
  "") bad "no command" ;;
  *) bad "unknown command '$CMD'" ;;
esac

# ------------------------------------------------------------------ settings
# Written by a fresh `up`, so later commands use the ports it chose whatever the environment says now.
if [ -f "$RUN/cluster.env" ] && [ "$CMD" != up ]; then
  # shellcheck source=/dev/null
  . "$RUN/cluster.env"
fi
BASE_PORT=${BASE_PORT:-${SIDEVIEW_CLUSTER_PORT:-8110}}
SHARD_PORT=${SHARD_PORT:-${SIDEVIEW_CLUSTER_SHARD_PORT:-3317}}
KAFKA_PORT=${KAFKA_PORT:-${SIDEVIEW_CLUSTER_KAFKA_PORT:-19192}}
PG_HOST=${PG_HOST:-${SIDEVIEW_CLUSTER_PG_HOST:-127.0.0.1}}
PG_PORT=${PG_PORT:-${SIDEVIEW_CLUSTER_PG_PORT:-5432}}
PG_ADMIN=${PG_ADMIN:-${SIDEVIEW_CLUSTER_PG_ADMIN:-postgres}}
for v in "$BASE_PORT" "$SHARD_PORT" "$KAFKA_PORT" "$PG_PORT"; do
  [[ $v =~ ^[0-9]+$ ]] && [ "$v" -ge 1024 ] && [ "$v" -le 65000 ] || bad "not a usable port: $v"
done
SHARD_PORTS=("$SHARD_PORT" $((SHARD_PORT + 1)))
KAFKA_CTL=$((KAFKA_PORT + 1))
PG_DB=sideview_cluster; PG_USER=sideview_dev; PG_PASSWORD=sideview_dev
USERS=200                                   # users 1..200 in the sample data and the workload
SESSION_TIMEOUT=${SIDEVIEW_CLUSTER_SESSION_TIMEOUT:-6s} # the nodes' wal.kafka.sessionTimeout: how soon a dead node's work moves
[[ $SESSION_TIMEOUT =~ ^[1-9][0-9]*s$ ]] || bad "SIDEVIEW_CLUSTER_SESSION_TIMEOUT must be whole seconds such as 10s, got '$SESSION_TIMEOUT'"
SHARD_PASSWORD=cdc-secret                   # the shards' cdc user; the example config reads $SHARD_PASSWORD
JAR=$ROOT/target/sideview.jar
api_port() { case $1 in a) echo "$BASE_PORT" ;; b) echo $((BASE_PORT + 10)) ;; c) echo $((BASE_PORT + 20)) ;; esac; }
admin_port() { echo $(($(api_port "$1") + 1)); }
api() { echo "http://127.0.0.1:$(api_port "$1")/api/v1"; }
rel() { echo "${1#"$ROOT"/}"; }
# HBase's JDK 11+ flags (recipes/hbase.md), for HBase and for every node (its HBase client)
JFLAGS=(--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true)

# ------------------------------------------------------------------ processes
# Every process is started through launch(), which writes its pid to dev/.run-cluster/NAME.pid. A pid
# counts as ours only while its command line still carries the text signature() gives, so a pid
# reused by another program after a crash is never signalled.
PROCS=(kafka hbase shard0 shard1 node-a node-b node-c)
signature() {
  case $1 in
    kafka) echo "kafka.Kafka $RUN/kafka/server.properties" ;;
    hbase) echo "HBaseLauncher $RUN/hbase/zk.port" ;;
    shard*) echo "--datadir=$RUN/$1/data" ;;
    node-*) echo "-Dsideview.devcluster=$RUN/$1" ;;
  esac
}
pid_of() { # name: prints the pid when that process runs (or is paused)
  local f=$RUN/$1.pid pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] || return 1
  [ "$(proc_state "$pid")" != Z ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(signature "$1")" || return 1
  echo "$pid"
}
proc_state() { # pid: R, S, T (stopped by SIGSTOP), Z (dead, not reaped yet), ... from /proc/PID/stat
  sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1
}
paused() { [ "$(proc_state "$1")" = T ]; }
launch() { # name dir log command...: in its own session, so it outlives this script and the terminal
  local name=$1 dir=$2 out=$3
  shift 3
  rm -f "$RUN/$name.pid"
  # shellcheck disable=SC2016 # $$ and $0 belong to the inner shell
  setsid bash -c 'echo $$ > "$0.tmp" && mv "$0.tmp" "$0"; cd "$1" || exit 1; shift; exec "$@"' \
    "$RUN/$name.pid" "$dir" "$@" >>"$out" 2>&1 </dev/null &
  for _ in $(seq 100); do [ -s "$RUN/$name.pid" ] && return 0; sleep 0.05; done
  die "could not start $name"
}
stop_proc() { # name seconds: SIGTERM (after SIGCONT, as a paused process cannot act on it), SIGKILL after the wait
  local pid t=$2
  pid=$(pid_of "$1") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true
  for _ in $(seq $((t * 10))); do pid_of "$1" >/dev/null || { echo "  stopped $1 (pid $pid)"; return 0; }; sleep 0.1; done
  echo "  $1 (pid $pid) did not stop in ${t}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
need() { for t in "$@"; do command -v "$t" >/dev/null || die "needs $t on the PATH"; done; }

# ------------------------------------------------------------------ pieces of `up`
DEP=org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath
mvn_quiet() { mvn -q -B "$@" >"$RUN/cp/mvn.log" 2>&1 || { tail -30 "$RUN/cp/mvn.log" >&2; die "mvn $* failed: see $(rel "$RUN/cp/mvn.log")"; }; }
classpaths() { # the Kafka broker's and the HBase launcher's class paths, from bench/ (built once, kept in cp/)
  mkdir -p "$RUN/cp"
  if [ ! -s "$RUN/cp/kafka-cp.txt" ] || [ ! -f "$(cut -d: -f1 "$RUN/cp/kafka-cp.txt")" ]; then
    log "resolving Kafka 4.1.1 (bench/kafka/pom.xml; once)"
    mvn_quiet -f "$ROOT/bench/kafka/pom.xml" $DEP -Dmdep.outputFile="$RUN/cp/kafka-cp.txt"
  fi
  if [ ! -f "$ROOT/bench/target/classes/io/sideview/bench/HBaseLauncher.class" ] || [ ! -s "$RUN/cp/hbase-cp.txt" ] \
      || [ ! -f "$(cut -d: -f1 "$RUN/cp/hbase-cp.txt")" ]; then
    log "building bench/ and resolving HBase 2.6.3 for its HBaseLauncher (once; ~160 MB on a first download)"
    mvn_quiet -f "$ROOT/bench/pom.xml" package -DskipTests
    mvn_quiet -f "$ROOT/bench/pom.xml" $DEP -Dmdep.includeScope=provided -Dmdep.outputFile="$RUN/cp/hbase-cp.txt"
  fi
}
start_hbase() {
  local d=$RUN/hbase
  mkdir -p "$d"
  launch hbase "$d" "$d/hbase.log" java -Xmx1g "${JFLAGS[@]}" -Dtest.build.data.basedirectory="$d/" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$ROOT/bench/target/classes:$(cat "$RUN/cp/hbase-cp.txt")" \
    io.sideview.bench.HBaseLauncher "$d/zk.port"
}
await_hbase() {
  for _ in $(seq 1800); do
    [ -s "$RUN/hbase/zk.port" ] && break
    pid_of hbase >/dev/null || break
    sleep 0.1
  done
  [ -s "$RUN/hbase/zk.port" ] || { tail -20 "$RUN/hbase/hbase.log" >&2; die "HBase did not start: see $(rel "$RUN/hbase/hbase.log")"; }
  log "HBase (mini cluster, local mode): ZooKeeper on 127.0.0.1:$(cat "$RUN/hbase/zk.port"), pid $(pid_of hbase)"
}
start_kafka() {
  local d=$RUN/kafka kcp
  kcp=$(cat "$RUN/cp/kafka-cp.txt")
  mkdir -p "$d"
  cat >"$d/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CTL
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CTL
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$d/logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  java -cp "$kcp" kafka.tools.StorageTool format -t "$(java -cp "$kcp" kafka.tools.StorageTool random-uuid 2>/dev/null)" \
    -c "$d/server.properties" --standalone >"$d/format.log" 2>&1 || die "formatting Kafka's log dir failed: see $(rel "$d/format.log")"
  launch kafka "$d" "$d/kafka.log" java -Xmx512m -Xms512m -cp "$kcp" kafka.Kafka "$d/server.properties"
  for _ in $(seq 600); do
    port_busy "$KAFKA_PORT" && { log "Kafka (KRaft) on 127.0.0.1:$KAFKA_PORT, pid $(pid_of kafka)"; return 0; }
    pid_of kafka >/dev/null || break
    sleep 0.1
  done
  tail -20 "$d/kafka.log" >&2; die "Kafka did not start: see $(rel "$d/kafka.log")"
}
sql() { mariadb --no-defaults -h127.0.0.1 -P"$1" -uroot "${@:2}"; }
start_shard() { # index, as dev/demo.sh's shards
  local i=$1 port=${SHARD_PORTS[$1]} d=$RUN/shard$1 sock
  mkdir -p "$d/tmp"
  sock=$d/mysqld.sock
  [ ${#sock} -lt 100 ] || sock=$(mktemp -u "/tmp/sideview-cluster-shard$i.XXXXXX.sock")
  "$INSTALL_DB" --no-defaults --user=root --datadir="$d/data" --auth-root-authentication-method=normal \
    --skip-test-db --tmpdir="$d/tmp" >"$d/install.log" 2>&1 || die "mariadb-install-db failed: see $(rel "$d/install.log")"
  launch "shard$i" "$d" "$d/stdout.log" "$MARIADBD" --no-defaults --user=root --datadir="$d/data" --port="$port" \
    --bind-address=127.0.0.1 --socket="$sock" --pid-file="$d/mysqld.pid" --log-error="$d/error.log" --tmpdir="$d/tmp" \
    --server-id=$((i + 1)) --log-bin="$d/data/binlog" --binlog-format=ROW --binlog-row-image=FULL \
    --expire-logs-days=1 --skip-name-resolve --innodb-buffer-pool-size=32M --innodb-log-file-size=16M \
    --innodb-flush-log-at-trx-commit=2 --character-set-server=utf8mb4 --max-connections=200
  for _ in $(seq 300); do
    sql "$port" -e 'SELECT 1' >/dev/null 2>&1 && break
    pid_of "shard$i" >/dev/null || die "mariadbd for shard$i exited: see $(rel "$d/error.log")"
    sleep 0.1
  done
  sql "$port" -e 'SELECT 1' >/dev/null 2>&1 || die "mariadbd for shard$i did not answer on :$port: see $(rel "$d/error.log")"
  sql "$port" <<EOF
CREATE USER 'cdc'@'127.0.0.1' IDENTIFIED BY '$SHARD_PASSWORD';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, REPLICA MONITOR, LOCK TABLES ON *.* TO 'cdc'@'127.0.0.1';
EOF
  sql "$port" <"$ROOT/docs/examples/friends.sql"
  log "shard$i: MariaDB on 127.0.0.1:$port, pid $(pid_of "shard$i"), user cdc, table social.friends"
}
pg() { PGOPTIONS="-c client_min_messages=warning" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
metadata_db() {
  pg -c 'SELECT 1' >/dev/null 2>&1 || die "cannot reach PostgreSQL as $PG_ADMIN on $PG_HOST:$PG_PORT (psql -h $PG_HOST -p $PG_PORT -U $PG_ADMIN)"
  if [ "$(pg -c "SELECT count(*) FROM pg_roles WHERE rolname = '$PG_USER'")" = 0 ]; then
    pg -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'"
  fi
  # A new database each fresh `up`: the views, jobs and epochs in it belong to the HBase table and
  # Kafka topics of the previous run, which are gone.
  pg -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
  pg -c "CREATE DATABASE $PG_DB OWNER $PG_USER"
  log "metadata DB: PostgreSQL $PG_HOST:$PG_PORT, database $PG_DB (new), user $PG_USER"
}
workload_classes() {
  if [ ! -f "$RUN/classes/Workload.class" ] || [ "$DEV/Workload.java" -nt "$RUN/classes/Workload.class" ]; then
    javac -nowarn -cp "$JAR" -d "$RUN/classes" "$DEV/Workload.java"
  fi
}
workload() { java -cp "$RUN/classes:$JAR" Workload "$@" --users "$USERS" --shards "${SHARD_PORTS[0]},${SHARD_PORTS[1]}"; }
start_node() { # node: launched; await_node waits for its API
  local n=$1 d=$RUN/node-$1
  mkdir -p "$d/data"
  local zk
  zk=$(cat "$RUN/hbase/zk.port")
  echo "----- $(date '+%F %T') dev/cluster.sh starts node $n" >>"$d/service.log"
  SHARD_PASSWORD=$SHARD_PASSWORD SIDEVIEW_DATA=$d/data SIDEVIEW_BIND=127.0.0.1 SIDEVIEW_ADMIN_BIND=127.0.0.1 \
  SIDEVIEW_PORT=$(api_port "$n") SIDEVIEW_ADMIN_PORT=$(admin_port "$n") \
    launch "node-$n" "$ROOT" "$d/service.log" java -Xmx512m "${JFLAGS[@]}" -Dsideview.devcluster="$d" \
      -Ddw.cluster.nodeName="$n" \
      -Ddw.database.driverClass=org.postgresql.Driver \
      -Ddw.database.url="jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DB" \
      -Ddw.database.user="$PG_USER" -Ddw.database.password="$PG_PASSWORD" \
      -Ddw.storage.type=hbase -Ddw.storage.saltBuckets=16 \
      -Ddw.storage.hbase.zookeeperQuorum="127.0.0.1:$zk" -Ddw.storage.hbase.table=sideview_cluster \
      -Ddw.storage.hbase.regions=4 \
      -Ddw.wal.mode=kafka -Ddw.wal.kafka.bootstrapServers="127.0.0.1:$KAFKA_PORT" \
      -Ddw.wal.kafka.partitions=6 -Ddw.wal.kafka.sessionTimeout="$SESSION_TIMEOUT" \
      "-Ddw.sources.friends.shards[0].port=${SHARD_PORTS[0]}" "-Ddw.sources.friends.shards[1].port=${SHARD_PORTS[1]}" \
      -jar "$JAR" server docs/examples/sideview-two-shards.yml
}
await_node() { # node
  local n=$1 log=$RUN/node-$1/service.log
  for _ in $(seq 480); do
    curl -sf -o /dev/null --max-time 2 "$(api "$n")/views" && {
      log "node $n: API 127.0.0.1:$(api_port "$n"), admin :$(admin_port "$n"), pid $(pid_of "node-$n"), log $(rel "$log")"
      return 0; }
    pid_of "node-$n" >/dev/null || { tail -20 "$log" >&2; die "node $n exited: see $(rel "$log")"; }
    sleep 0.5
  done
  die "node $n did not answer on $(api "$n")/views in 240 s: see $(rel "$log")"
}
await_owners() { # seconds: waits (about that long) until each shard streams on exactly one running node
  for _ in $(seq "$1"); do
    local states=""
    for n in "${NODES[@]}"; do
      local pid
      pid=$(pid_of "node-$n") && ! paused "$pid" || continue
      states+="$(curl -sf --max-time 2 "$(api "$n")/ingest/status" | jq -r '.shards[] | select(.state == "STREAMING") | "\(.group)/\(.shard)"' 2>/dev/null || true)"$'\n'
    done
    [ "$(grep -c . <<<"$states")" = 2 ] && [ "$(grep . <<<"$states" | sort -u | grep -c .)" = 2 ] && return 0
    sleep 1
  done
  return 1
}

cmd_up() {
  need java curl jq mariadb mariadb-admin psql
  local running=() missing=() nodes_down=()
  for p in "${PROCS[@]}"; do
    if pid_of "$p" >/dev/null; then running+=("$p"); else missing+=("$p"); fi
  done
  if [ ${#missing[@]} = 0 ]; then
    log "the cluster is up already (dev/cluster.sh status shows it)"
    return 0
  fi
  if [ ${#running[@]} -gt 0 ]; then
    for p in "${missing[@]}"; do
      case $p in node-*) nodes_down+=("${p#node-}") ;; *) die "partly up: $p is not running (${missing[*]} down); dev/cluster.sh down, then up" ;; esac
    done
    [ -f "$JAR" ] || die "target/sideview.jar is gone; build it (mvn -B -q package -DskipTests)"
    for n in "${nodes_down[@]}"; do log "node $n is down: starting it"; start_node "$n"; done
    for n in "${nodes_down[@]}"; do await_node "$n"; done
    return 0
  fi

  # A fresh cluster
  MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  INSTALL_DB=$(command -v mariadb-install-db || echo /usr/bin/mariadb-install-db)
  [ -x "$MARIADBD" ] && [ -x "$INSTALL_DB" ] || die "needs mariadb-server (apt-get install -y mariadb-server)"
  for p in "$KAFKA_PORT" "$KAFKA_CTL" "${SHARD_PORTS[@]}" $(for n in "${NODES[@]}"; do api_port "$n"; admin_port "$n"; done); do
    port_busy "$p" && die "port $p is in use (see ss -ltnp 'sport = :$p'); choose others with SIDEVIEW_CLUSTER_PORT, SIDEVIEW_CLUSTER_SHARD_PORT or SIDEVIEW_CLUSTER_KAFKA_PORT"
  done
  if [ ! -f "$JAR" ]; then
    need mvn
    log "building target/sideview.jar (a few minutes, once)"
    mvn -q -B -f "$ROOT/pom.xml" package -DskipTests
  fi
  mkdir -p "$RUN"
  # What the last run left (logs, data), except the resolved class paths
  find "$RUN" -mindepth 1 -maxdepth 1 ! -name cp -exec rm -rf {} +
  classpaths
  cat >"$RUN/cluster.env" <<EOF
BASE_PORT=$BASE_PORT
SHARD_PORT=$SHARD_PORT
KAFKA_PORT=$KAFKA_PORT
PG_HOST=$PG_HOST
PG_PORT=$PG_PORT
PG_ADMIN=$PG_ADMIN
EOF
  metadata_db
  start_hbase   # the slowest (20-40 s): it comes up while the rest starts
  start_kafka
  start_shard 0
  start_shard 1
  workload_classes
  workload seed
  await_hbase
  start_node a
  await_node a
  local code
  code=$(curl -s -o "$RUN/view.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary @"$ROOT/docs/examples/friends-view.json" "$(api a)/views")
  case $code in
    201) log "view 'friends' created on node a from docs/examples/friends-view.json" ;;
    409) log "view 'friends' exists already" ;;
    *) cat "$RUN/view.json" >&2; echo >&2; die "creating the view answered HTTP $code" ;;
  esac
  start_node b
  start_node c
  await_node b
  await_node c
  log "waiting for each shard to stream on one node"
  await_owners 120 || log "the shards have not settled on one node each yet"
  cmd_status || true
}

cmd_status() {
  local all=0 pid state
  [ -d "$RUN" ] || { echo "no cluster here (dev/cluster.sh up starts one)"; return 1; }
  for p in "${PROCS[@]}"; do
    local where=""
    case $p in
      kafka) where="127.0.0.1:$KAFKA_PORT" ;;
      hbase) where="ZooKeeper 127.0.0.1:$(cat "$RUN/hbase/zk.port" 2>/dev/null || echo '?')" ;;
      shard*) where="MariaDB 127.0.0.1:${SHARD_PORTS[${p#shard}]}" ;;
      node-*) where="API 127.0.0.1:$(api_port "${p#node-}"), admin :$(admin_port "${p#node-}")" ;;
    esac
    if pid=$(pid_of "$p"); then
      if paused "$pid"; then state=PAUSED; all=1; else state=running; fi
      printf '%-7s %-8s pid %-8s %s\n' "$p" "$state" "$pid" "$where"
    else
      all=1
      printf '%-7s %-8s %-12s %s\n' "$p" DOWN "" "$where"
    fi
    case $p in node-*) [ -n "${pid:-}" ] && [ "$state" = running ] && node_detail "${p#node-}" ;; esac
    pid=""
  done
  owners
  return $all
}
node_detail() { # node: its shards, WAL consumer and health, one line each
  local n=$1 st health
  if st=$(curl -sf --max-time 3 "$(api "$n")/ingest/status"); then
    echo "          shards: $(jq -r '[.shards[] | "\(.group)/\(.shard) \(.state)" + (if .lastError then " (\(.lastError | .[0:80]))" else "" end)] | join(", ")' <<<"$st")"
    echo "          wal: $(jq -r '.walConsumer | if . then "applied \(.applied), lag \(.lagRecords // "?") records" + (if .lastError then ", error: \(.lastError | .[0:80])" else "" end) else "-" end' <<<"$st")"
  else
    echo "          shards: no answer from $(api "$n")/ingest/status"
  fi
  # /healthcheck answers 500 when a check fails, with the same JSON body
  if health=$(curl -s --max-time 5 "http://127.0.0.1:$(admin_port "$n")/healthcheck") && [ -n "$health" ]; then
    echo "          health: $(jq -r '[to_entries[] | select(.value.healthy | not) | "\(.key): \(.value.message // "unhealthy" | .[0:100])"] | if length == 0 then "healthy" else "UNHEALTHY " + join("; ") end' <<<"$health" 2>/dev/null || echo "unreadable answer")"
  else
    echo "          health: no answer from admin :$(admin_port "$n")/healthcheck"
  fi
}
owners() { # which running node streams each shard
  local line="" n pid
  for n in "${NODES[@]}"; do
    pid=$(pid_of "node-$n") && ! paused "$pid" || continue
    while read -r s; do [ -n "$s" ] && line+="${line:+, }$s -> $n"; done < <(curl -sf --max-time 3 "$(api "$n")/ingest/status" 2>/dev/null \
      | jq -r '.shards[] | select(.state == "STREAMING") | "\(.group)/\(.shard)"' 2>/dev/null || true)
  done
  echo "shard owners (STREAMING): ${line:-none}"
}

cmd_kill() {
  local pid
  pid=$(pid_of "node-$NODE") || die "node $NODE is not running"
  kill -KILL "$pid"
  for _ in $(seq 50); do pid_of "node-$NODE" >/dev/null || break; sleep 0.1; done
  log "node $NODE (pid $pid) killed with SIGKILL; its shards move to the other nodes after wal.kafka.sessionTimeout ($SESSION_TIMEOUT); dev/cluster.sh start $NODE (or up) brings it back"
}
cmd_pause() {
  local pid
  pid=$(pid_of "node-$NODE") || die "node $NODE is not running"
  if paused "$pid"; then log "node $NODE (pid $pid) is paused already"; return 0; fi
  kill -STOP "$pid"
  log "node $NODE (pid $pid) paused with SIGSTOP; its shards move to the other nodes after wal.kafka.sessionTimeout ($SESSION_TIMEOUT); dev/cluster.sh resume $NODE"
}
cmd_resume() {
  local pid
  pid=$(pid_of "node-$NODE") || die "node $NODE is not running"
  if ! paused "$pid"; then log "node $NODE (pid $pid) is not paused"; return 0; fi
  kill -CONT "$pid"
  log "node $NODE (pid $pid) resumed with SIGCONT; it rejoins Kafka's groups"
  for _ in $(seq 30); do curl -sf -o /dev/null --max-time 1 "$(api "$NODE")/views" && break; sleep 0.5; done
  # Its status still shows what it ran before the pause until it hears from Kafka (a few seconds)
  await_owners 30 || log "the shards have not settled on one node each yet"
  node_detail "$NODE"
  owners
}
cmd_start() {
  pid_of "node-$NODE" >/dev/null && { log "node $NODE is running already"; return 0; }
  for p in kafka hbase shard0 shard1; do pid_of "$p" >/dev/null || die "$p is not running: dev/cluster.sh down, then up"; done
  start_node "$NODE"
  await_node "$NODE"
}
cmd_workload() {
  local n=$NODE pid
  for p in shard0 shard1; do pid_of "$p" >/dev/null || die "$p is not running (dev/cluster.sh up)"; done
  if [ -z "$n" ]; then
    for c in "${NODES[@]}"; do pid=$(pid_of "node-$c") && ! paused "$pid" && { n=$c; break; }; done
    [ -n "$n" ] || die "no node is running"
  else
    pid=$(pid_of "node-$n") && ! paused "$pid" || die "node $n is not running (or paused)"
  fi
  workload_classes
  log "workload: $RATE changes/s for ${SECONDS_}s on the shards, status through node $n (Ctrl-C stops it early)"
  trap 'true' INT
  workload run --rate "$RATE" --seconds "$SECONDS_" --api "$(api "$n")" || true
  trap - INT
  log "checking the view on node $n against SQL"
  workload check --api "$(api "$n")"
}
cmd_down() {
  local any=0
  for p in "${PROCS[@]}"; do pid_of "$p" >/dev/null && any=1; done
  [ $any = 1 ] || { log "nothing is running"; return 0; }
  log "stopping the nodes"
  for n in "${NODES[@]}"; do stop_proc "node-$n" 60 & done
  wait
  log "stopping Kafka, HBase and the shards"
  stop_proc kafka 60 &
  stop_proc hbase 60 &
  stop_proc shard0 60 &
  stop_proc shard1 60 &
  wait
  log "stopped; logs are in $(rel "$RUN")/ until the next up"
}

case "$CMD" in
  up) cmd_up ;;
  status) cmd_status ;;
  kill) cmd_kill ;;
  pause) cmd_pause ;;
  resume) cmd_resume ;;
  start) cmd_start ;;
  workload) cmd_workload ;;
  down) cmd_down ;;
esac
