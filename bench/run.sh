#!/usr/bin/env bash
# Sideview benchmark: one command, see docs/benchmarks.md.
#   bench/run.sh [--quick] [--hbase] [--edges N] [--warmup S] [--duration S] [--conns N] [--db-threads N] [--keep]
# --quick   small data set (200,000 random edges + planted nodes), 10 s warm-up, 5 s per shape
# --hbase   also run the Sideview shapes on HBase (in-process local-mode HBase; adds a few minutes)
# --keep    keep the work directory (data, logs, raw JSON results) instead of deleting it
# Everything listens on 127.0.0.1 only; every process started here is stopped on exit.
set -Eeuo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
QUICK=0; HBASE=0; KEEP=0; EDGES=""; WARMUP=""; DURATION=""; CONNS=64; DB_THREADS=16
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --hbase) HBASE=1 ;;
    --keep) KEEP=1 ;;
    --edges) EDGES=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --conns) CONNS=$2; shift ;;
    --db-threads) DB_THREADS=$2; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ $QUICK = 1 ]; then
  : "${EDGES:=200000}" "${WARMUP:=10}" "${DURATION:=5}"; LOAD_LIMIT=900
else
  : "${EDGES:=2000000}" "${WARMUP:=30}" "${DURATION:=20}"; LOAD_LIMIT=2400
fi

API=18080; ADMIN=18081; HAPI=18180; HADMIN=18181
MPORTS=(13306 13307 13308 13309)
for p in $API $ADMIN $HAPI $HADMIN "${MPORTS[@]}"; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "port $p is in use; stop what uses it first" >&2; exit 1; fi
done
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || { echo "needs mariadb-server (apt-get install -y mariadb-server)" >&2; exit 1; }
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)

WORK=$(mktemp -d /tmp/sideview-bench.XXXXXX)
PIDS=()
. "$BENCH/procs.sh"
cleanup() {
  set +e
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do stop_pid "${PIDS[$i]}" 30; done
  if [ $KEEP = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'echo "bench/run.sh: line $LINENO failed (exit $?)" >&2' ERR
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ build
. "$BENCH/build.sh"
bench() { java -Xmx2g -cp "$BENCH_CP" io.sideview.bench.Bench "$@"; }
# HBase's JDK 11+ flags (recipes/hbase.md); harmless for RocksDB, so both runs use the same JVM flags
JFLAGS=(--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true)

# ------------------------------------------------------------------ data set
log "generating the data set ($EDGES random edges + planted nodes) in $WORK"
bench gen "$WORK/data" "$EDGES" | tee "$WORK/gen.txt"

# ------------------------------------------------------------------ MariaDB shards
start_maria() { # shard index
  local i=$1 d=$WORK/maria$1 port=${MPORTS[$1]}
  mkdir -p "$d"
  # Seen failing now and then (the run stopped here without a word): say why, then try once more.
  local try
  for try in 1 2; do
    rm -rf "$d/data"
    mariadb-install-db --no-defaults --user=root --datadir="$d/data" --auth-root-authentication-method=normal \
      --skip-test-db > "$d/install.log" 2>&1 && break
    echo "mariadb-install-db failed for shard $i (try $try); its log:" >&2
    tail -15 "$d/install.log" >&2
    [ $try = 2 ] && exit 1
    sleep 2
  done
  "$MARIADBD" --no-defaults --user=root --datadir="$d/data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" --log-error="$d/error.log" --server-id=$((i + 1)) \
    --skip-log-bin --skip-name-resolve --innodb-buffer-pool-size=256M --innodb-log-file-size=256M \
    --innodb-flush-log-at-trx-commit=2 --local-infile=1 --max-connections=300 > /dev/null 2>&1 &
  PIDS+=($!)
}
log "starting 4 MariaDB shards on 127.0.0.1:${MPORTS[0]}-${MPORTS[3]}"
for i in 0 1 2 3; do start_maria $i; done
for i in 0 1 2 3; do
  for _ in $(seq 300); do
    mariadb-admin --no-defaults -uroot --socket="$WORK/maria$i/mysqld.sock" ping >/dev/null 2>&1 && break; sleep 0.1
  done
done
MPORTS_CSV=$(IFS=,; echo "${MPORTS[*]}")
log "loading MariaDB"
timeout 900 java -Xmx2g -cp "$BENCH_CP" io.sideview.bench.Bench load-mariadb "$WORK/data" "$MPORTS_CSV"

# ------------------------------------------------------------------ Sideview
SV_PID=""
start_sideview() { # name api admin [env...]
  local name=$1 api=$2 admin=$3; shift 3
  mkdir -p "$WORK/sv-$name"
  env SIDEVIEW_DATA="$WORK/sv-$name" SIDEVIEW_PORT=$api SIDEVIEW_ADMIN_PORT=$admin SIDEVIEW_BIND=127.0.0.1 \
    SIDEVIEW_ADMIN_BIND=127.0.0.1 SIDEVIEW_ADMIN_TOKENS= SIDEVIEW_READER_TOKENS= "$@" \
    java -Xmx1g "${JFLAGS[@]}" -jar "$JAR" server "$ROOT/config.yml" > "$WORK/sideview-$name.log" 2>&1 &
  SV_PID=$!
  PIDS+=($SV_PID)
  for _ in $(seq 1200); do
    curl -fs "127.0.0.1:$admin/ping" >/dev/null 2>&1 && { log "Sideview ($name) up, pid $SV_PID"; return 0; }
    kill -0 $SV_PID 2>/dev/null || break
    sleep 0.1
  done
  echo "Sideview ($name) did not start; log: $WORK/sideview-$name.log" >&2; tail -30 "$WORK/sideview-$name.log" >&2; exit 1
}
heap() { # label pid admin-port -> appends to heap.md
  local label=$1 pid=$2 admin=$3 used
  used=$(curl -fs "127.0.0.1:$admin/metrics" | grep -o '"jvm.memory.heap.used":{"value":[0-9]*' | grep -o '[0-9]*$' || echo "?")
  echo "- $label: jvm.memory.heap.used = $((used / 1048576)) MiB; RSS $(awk '/VmRSS/{print int($2/1024)" MiB"}' /proc/$pid/status), peak RSS $(awk '/VmHWM/{print int($2/1024)" MiB"}' /proc/$pid/status)" >> "$WORK/heap.md"
}
live_heap() { # label pid -> heap after a full GC
  local label=$1 pid=$2
  jcmd "$pid" GC.run >/dev/null
  echo "- $label, after a full GC (jcmd GC.run; GC.heap_info): $(jcmd "$pid" GC.heap_info | grep -m1 -Eo 'total [0-9]+K, used [0-9]+K' | awk '{gsub(/K,?/,"");print "heap committed " int($2/1024) " MiB, used " int($4/1024) " MiB"}')" >> "$WORK/heap.md"
}
stop_sideview() { stop_pid "$SV_PID" 60; }

log "starting Sideview on RocksDB (-Xmx1g)"
start_sideview rocksdb $API $ADMIN SIDEVIEW_STORAGE=rocksdb SIDEVIEW_SALT_BUCKETS=0
log "loading Sideview (RocksDB) through the mutations API"
bench load-sideview "$WORK/data" $API "$ROOT/docs/examples/follows-view.json" 4 $LOAD_LIMIT | tee "$WORK/load-rocksdb.txt"
heap "RocksDB, right after the load" $SV_PID $ADMIN
live_heap "RocksDB, after the load" $SV_PID
log "measuring Sideview (RocksDB)"
bench measure-sideview "$WORK/data" rocksdb $API $ADMIN "$WARMUP" "$DURATION" "$CONNS" "$WORK/results-rocksdb.json"
if command -v wrk >/dev/null; then  # cross-check of the load generator (not used for the targets)
  for u in "http://127.0.0.1:$ADMIN/ping" "http://127.0.0.1:$API/api/v1/views/follows/count?start=$(grep -o '"a":[0-9]*' "$WORK/data/plan.json" | cut -d: -f2)&direction=OUT"; do
    echo "- wrk -t2 -c$CONNS -d5s $u: $(wrk -t2 -c$CONNS -d5s "$u" | grep -o 'Requests/sec: *[0-9.]*')" >> "$WORK/wrk.md"
  done
fi
heap "RocksDB, after the measurements" $SV_PID $ADMIN
live_heap "RocksDB, after the measurements" $SV_PID
RDB_SIZE=$(du -sh "$WORK/sv-rocksdb" | cut -f1)
stop_sideview

log "measuring MariaDB"
bench measure-mariadb "$WORK/data" "$MPORTS_CSV" "$WARMUP" "$DURATION" "$DB_THREADS" "$WORK/results-mariadb.json"

if [ $HBASE = 1 ]; then
  mvn -q -B -f "$BENCH/pom.xml" $DEP -Dmdep.includeScope=provided -Dmdep.outputFile="$WORK/hbase-cp.txt"
  log "starting HBase (local mode, in-process mini cluster)"
  mkdir -p "$WORK/hbase"
  # 2 GiB: a block cache (40 %) about the size of the four shards' 4 x 256 MiB InnoDB buffer pools
  (cd "$WORK/hbase" && exec java -Xmx${HBASE_HEAP:-2g} "${JFLAGS[@]}" -Dtest.build.data.basedirectory="$WORK/hbase/" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
     -cp "$BENCH/target/classes:$(cat "$WORK/hbase-cp.txt")" io.sideview.bench.HBaseLauncher "$WORK/hbase/zk.port" \
     > "$WORK/hbase.log" 2>&1) &
  HB_PID=$!; PIDS+=($HB_PID)
  for _ in $(seq 1800); do [ -s "$WORK/hbase/zk.port" ] && break; kill -0 $HB_PID 2>/dev/null || break; sleep 0.1; done
  [ -s "$WORK/hbase/zk.port" ] || { echo "HBase did not start; log: $WORK/hbase.log" >&2; tail -30 "$WORK/hbase.log" >&2; exit 1; }
  ZK=$(cat "$WORK/hbase/zk.port")
  log "HBase up, ZooKeeper 127.0.0.1:$ZK"
  start_sideview hbase $HAPI $HADMIN SIDEVIEW_STORAGE=hbase SIDEVIEW_HBASE_QUORUM=127.0.0.1:$ZK SIDEVIEW_SALT_BUCKETS=16
  log "loading Sideview (HBase) through the mutations API"
  bench load-sideview "$WORK/data" $HAPI "$ROOT/docs/examples/follows-view.json" 4 $LOAD_LIMIT | tee "$WORK/load-hbase.txt"
  log "flushing and major-compacting the HBase table, as after any bulk load"
  java "${JFLAGS[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH/target/classes:$(cat "$WORK/hbase-cp.txt")" \
    io.sideview.bench.HBaseSettle "$ZK" sideview_records 2>> "$WORK/hbase.log" | tee "$WORK/settle-hbase.txt"
  log "measuring Sideview (HBase)"
  bench measure-sideview "$WORK/data" hbase $HAPI $HADMIN "$WARMUP" "$DURATION" "$CONNS" "$WORK/results-hbase.json"
  heap "HBase backend (Sideview JVM), after the measurements" $SV_PID $HADMIN
  stop_sideview
  stop_pid $HB_PID 30
fi

# ------------------------------------------------------------------ report
STAMP=$(date +%Y%m%d-%H%M%S)
{
  echo "## Sideview benchmark run $STAMP ($([ $QUICK = 1 ] && echo quick || echo full))"
  echo
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/{print $2}') GiB RAM, load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $(java -version 2>&1 | head -1); MariaDB $("$MARIADBD" --version | grep -Eo '[0-9]+\.[0-9]+\.[0-9]+-MariaDB' | head -1); Sideview $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') (-Xmx1g, default GC)"
  echo "- data set: $(cat "$WORK/gen.txt")"
  echo "- load: $(grep -h 'sideview load' "$WORK"/load-*.txt | sed 's/^/ /' | paste -sd';' -)"
  [ -f "$WORK/settle-hbase.txt" ] && echo "- HBase (heap ${HBASE_HEAP:-2g}, HBase's production defaults): $(cat "$WORK/settle-hbase.txt")"
  echo "- warm-up ${WARMUP} s per backend (shapes in turn), then ${DURATION} s per shape; Sideview ${CONNS} keep-alive connections, MariaDB ${DB_THREADS} threads"
  echo "- RocksDB data directory after the run: ${RDB_SIZE:-?}"
  echo
  echo "### Heap (service JVM, -Xmx1g)"
  echo
  cat "$WORK/heap.md"
  if [ -f "$WORK/wrk.md" ]; then
    echo; echo "### Load generator cross-check with wrk (RocksDB service, right after its measurements)"; echo; cat "$WORK/wrk.md"
  fi
} > "$WORK/meta.md"
bench report "$WORK" "$BENCH/results/$STAMP.md"
log "results written to $BENCH/results/$STAMP.md"
