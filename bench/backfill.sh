#!/usr/bin/env bash
# Sideview backfill benchmark: history copies and verify-against-source, one command; see
# docs/benchmarks.md ("Backfill benchmark").
#   bench/backfill.sh [--rocksdb|--hbase] [--rows N] [--quick] [--stream-rate N] [--chunk-rows N]
#                     [--verify-timeout S] [--jar PATH] [--jfr] [--keep]
# 2 throwaway MariaDB shards (ROW binlog), a local-mode HBase (--hbase), the packaged service (-Xmx1g).
#   1. load: N rows of social.friends over the 2 shards (N/2 each) with MariaDB's sequence engine,
#      INSERT ... SELECT ... FROM seq_0_to_M in slices of 1,000,000 rows (one binlog transaction each);
#   2. copy: the service starts with no view; the stream load (--stream-rate changes/s, default 500,
#      the ingest benchmark's generator on its own users) starts; the view of
#      docs/examples/friends-view.json is created, which copies each shard's history in primary-key
#      chunks; GET /api/v1/ingest/copies is polled every 2 s until both copies are DONE, the heap
#      (admin metrics jvm.memory.heap.*) sampled at the same time; then the stream stops and drains;
#   3. verify: POST /api/v1/jobs {"type":"SOURCE_VERIFY","view":"friends"}, timed to its end.
# --rocksdb   (default) storage rocksdb, 10,000,000 rows by default
# --hbase     storage hbase (local mode, own JVM, HBASE_HEAP, default 1g), 2,000,000 rows by default
# --rows N    rows over both shards (rounded down to an even number)
# --quick     500,000 rows (unless --rows)
# --stream-rate N   changes/s written to the shards during the copy (default 500; 0: none)
# --chunk-rows N    the service's copy.chunkRows (default: the service's, 10,000)
# --verify-timeout S  cancel the SOURCE_VERIFY after S seconds (default 1800) and report it unfinished
# --jar PATH  measure this service jar (with the config.yml of its tree, when it sits in target/)
# --jfr       JFR recordings (settings=profile) of the service during the copy and during the verify,
#             kept in the work directory with their bench/jfr-top.py summaries (implies --keep)
# --keep      keep the work directory (logs, samples, raw JSON)
# Results: bench/results/backfill-<timestamp>.md. Everything listens on 127.0.0.1; every process
# started here is stopped on exit (also on Ctrl-C).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
STORAGE=rocksdb; ROWS=""; QUICK=0; VERIFY_TIMEOUT=1800; STREAM_RATE=500; CHUNK_ROWS=""; KEEP=0; JFR=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rocksdb|--hbase) STORAGE=${1#--} ;;
    --rows) ROWS=$2; shift ;;
    --quick) QUICK=1 ;;
    --stream-rate) STREAM_RATE=$2; shift ;;
    --chunk-rows) CHUNK_ROWS=$2; shift ;;
    --verify-timeout) VERIFY_TIMEOUT=$2; shift ;;
    --jar) SV_JAR=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); export SV_JAR
           [ -f "$(dirname "$SV_JAR")/../config.yml" ] && CONFIG_TEMPLATE=$(dirname "$SV_JAR")/../config.yml
           shift ;;
    --jfr) JFR=1; KEEP=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$ROWS" ]; then
  if [ $QUICK = 1 ]; then ROWS=500000; elif [ "$STORAGE" = hbase ]; then ROWS=2000000; else ROWS=10000000; fi
fi
case "$ROWS" in ''|*[!0-9]*) echo "--rows: a positive integer" >&2; exit 2 ;; esac
PER_SHARD=$((ROWS / 2))
[ "$PER_SHARD" -ge 1 ] || { echo "--rows: at least 2" >&2; exit 2; }
SLICE=1000000

API=19080; ADMIN=19081
MPORTS=(14306 14307)
for p in $API $ADMIN "${MPORTS[@]}"; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "port $p is in use; stop what uses it first" >&2; exit 1; fi
done
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || { echo "needs mariadb-server (apt-get install -y mariadb-server)" >&2; exit 1; }
for t in curl jq bc python3; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 1; }; done
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)

WORK=$(mktemp -d /tmp/sideview-backfill-bench.XXXXXX)
PIDS=()
. "$BENCH/procs.sh"
cleanup() {
  set +e
  [ -n "${STREAM_PID:-}" ] && { touch "$WORK/stream.stop"; stop_pid "$STREAM_PID" 15; }
  [ -n "${SAMPLER_PID:-}" ] && stop_pid "$SAMPLER_PID" 5
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do stop_pid "${PIDS[$i]}" 60; done
  if [ $KEEP = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

STAMP=$(date +%Y%m%d-%H%M%S)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
T_BEGIN=$(date +%s)

# ------------------------------------------------------------------ build
. "$BENCH/build.sh"
bench() { java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_CP" io.sideview.bench.Bench "$@"; }
if [ "$STORAGE" = hbase ]; then
  mvn -q -B -f "$BENCH/pom.xml" $DEP -Dmdep.includeScope=provided -Dmdep.outputFile="$WORK/hbase-cp.txt"
fi
# The build measured, described now (the tree may change while the benchmark runs)
SRC_TREE=$(dirname "$JAR")/..
export BUILD="Sideview $(git -C "$SRC_TREE" describe --always --tags 2>/dev/null || echo '?')$(git -C "$SRC_TREE" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' (+ uncommitted changes in src)') ($(basename "$JAR"), -Xmx1g, G1, storage $STORAGE, wal none$([ "$STORAGE" = hbase ] && echo ", HBase 2.6.3 local mode -Xmx${HBASE_HEAP:-1g}, 16 salt buckets"), copy.chunkRows ${CHUNK_ROWS:-10,000 (default)}); $(java -version 2>&1 | head -1); MariaDB $("$MARIADBD" --version | grep -Eo '[0-9]+\.[0-9]+\.[0-9]+-MariaDB' | head -1)"
# HBase's JDK 11+ flags (recipes/hbase.md), as bench/ingest.sh passes them; harmless for RocksDB
JFLAGS=(--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true)

# ------------------------------------------------------------------ pieces (as in bench/ingest.sh)
declare -A PROC   # name -> pid, for the CPU accounting
sql() { # shard, statement(s) on stdin or as $2
  local sock=$WORK/maria$1/mysqld.sock
  if [ $# -ge 2 ]; then mariadb --no-defaults -uroot --socket="$sock" -N -B -e "$2"; else mariadb --no-defaults -uroot --socket="$sock" -N -B; fi
}
start_shard() { # index
  local d=$WORK/maria$1 port=${MPORTS[$1]}
  mkdir -p "$d"
  mariadb-install-db --no-defaults --user=root --datadir="$d/data" --auth-root-authentication-method=normal \
    --skip-test-db > "$d/install.log" 2>&1
  # As bench/ingest.sh's shards (ROW binlog, full images, redo log flushed once a second), with a
  # larger buffer pool (the bulk load's secondary index) and a binlog cache for the 1,000,000-row slices.
  "$MARIADBD" --no-defaults --user=root --datadir="$d/data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" --log-error="$d/error.log" --server-id=$(($1 + 1)) \
    --log-bin="$d/data/binlog" --binlog-format=ROW --binlog-row-image=FULL --expire-logs-days=1 \
    --skip-name-resolve --innodb-buffer-pool-size=${SHARD_BUFFER_POOL:-512M} --innodb-log-file-size=512M \
    --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 --binlog-cache-size=4M --character-set-server=utf8mb4 \
    --max-connections=100 > /dev/null 2>&1 &
  PIDS+=($!); PROC[mariadb-shard$1]=$!
  for _ in $(seq 300); do
    mariadb-admin --no-defaults -uroot --socket="$d/mysqld.sock" ping >/dev/null 2>&1 && break; sleep 0.1
  done
  sql "$1" <<EOF
CREATE USER 'cdc'@'127.0.0.1' IDENTIFIED BY 'cdc-secret';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, REPLICA MONITOR, LOCK TABLES ON *.* TO 'cdc'@'127.0.0.1';
EOF
  sql "$1" < "$ROOT/docs/examples/friends.sql"
}
# The copied rows: row r (0-based, per shard s) is user 1,000,000 + 2 * (r DIV 100) + s (so a user is on
# one shard only, 100 friends each) and friend 10,000,000 + ((r DIV 100) * 37 + (r MOD 100) * 2003) MOD 200,000
# (distinct within a user; 200,000 friend ids, about N / 200,000 in-edges each); 1 row in 50 soft-deleted.
# The stream load's users and friends are below 11,000: the two never share a node.
load_shard() { # index
  local s=$1 off=0 n
  while [ $off -lt $PER_SHARD ]; do
    n=$((PER_SHARD - off)); [ $n -gt $SLICE ] && n=$SLICE
    sql "$s" "INSERT INTO social.friends (user_id, friend_id, nickname, favorite, status, created_at, updated_at)
      SELECT 1000000 + 2 * ((seq + $off) DIV 100) + $s,
             10000000 + (((seq + $off) DIV 100) * 37 + ((seq + $off) MOD 100) * 2003) MOD 200000,
             CONCAT('n', (seq + $off) MOD 97), (seq + $off) MOD 2,
             IF((seq + $off) MOD 50 = 0, 'DELETED', 'ACTIVE'), 1600000000000 + seq + $off, 1600000000000 + seq + $off
      FROM social.seq_0_to_$((n - 1))"
    off=$((off + n))
  done
}
start_hbase() {
  local d=$WORK/hbase
  mkdir -p "$d"
  (cd "$d" && exec java -Xmx${HBASE_HEAP:-1g} "${JFLAGS[@]}" -Dtest.build.data.basedirectory="$d/" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
     -cp "$BENCH/target/classes:$(cat "$WORK/hbase-cp.txt")" io.sideview.bench.HBaseLauncher "$d/zk.port" > "$d/hbase.log" 2>&1) &
  PIDS+=($!); PROC[hbase]=$!
  for _ in $(seq 1800); do [ -s "$d/zk.port" ] && break; kill -0 "${PROC[hbase]}" 2>/dev/null || break; sleep 0.1; done
  [ -s "$d/zk.port" ] || { echo "HBase did not start; log: $d/hbase.log" >&2; tail -30 "$d/hbase.log" >&2; exit 1; }
}
write_config() { # file: config.yml with the two shards as the 'friends' source group (and copy settings)
  awk -v p0="${MPORTS[0]}" -v p1="${MPORTS[1]}" -v chunk="$CHUNK_ROWS" '
    /^sources: \{\}/ {
      print "sources:"
      print "  friends:"
      print "    flavor: mariadb"
      if (chunk != "") { print "    copy:"; print "      chunkRows: " chunk }
      print "    shards:"
      print "      - {name: shard0, host: 127.0.0.1, port: " p0 ", user: cdc, password: ${SHARD_PASSWORD:-cdc-secret}, serverId: 5401}"
      print "      - {name: shard1, host: 127.0.0.1, port: " p1 ", user: cdc, password: ${SHARD_PASSWORD:-cdc-secret}, serverId: 5402}"
      next }
    { print }' "${CONFIG_TEMPLATE:-$ROOT/config.yml}" > "$1"
}
SV_PID=""
start_sideview() { # [zk]
  local zk=${1:-}
  mkdir -p "$WORK/sv"
  write_config "$WORK/sideview.yml"
  env SIDEVIEW_DATA="$WORK/sv" SIDEVIEW_PORT=$API SIDEVIEW_ADMIN_PORT=$ADMIN SIDEVIEW_BIND=127.0.0.1 SIDEVIEW_ADMIN_BIND=127.0.0.1 \
    SIDEVIEW_ADMIN_TOKENS= SIDEVIEW_READER_TOKENS= SIDEVIEW_STORAGE=$STORAGE SIDEVIEW_WAL=none \
    SIDEVIEW_SALT_BUCKETS=$([ "$STORAGE" = hbase ] && echo 16 || echo 0) SIDEVIEW_HBASE_QUORUM=127.0.0.1:${zk:-2181} \
    java -Xmx1g "${JFLAGS[@]}" -jar "$JAR" server "$WORK/sideview.yml" > "$WORK/sideview.log" 2>&1 &
  SV_PID=$!; PIDS+=($SV_PID); PROC[sideview]=$SV_PID
  for _ in $(seq 1200); do
    curl -fs "127.0.0.1:$ADMIN/ping" >/dev/null 2>&1 && return 0
    kill -0 $SV_PID 2>/dev/null || break
    sleep 0.1
  done
  echo "Sideview did not start; log: $WORK/sideview.log" >&2; tail -30 "$WORK/sideview.log" >&2; exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }
HZ=$(getconf CLK_TCK)
declare -A C0
cpu_mark() { for k in "${!PROC[@]}"; do C0[$k]=$(cpu_ticks "${PROC[$k]}"); done; read -r B0 T0 < <(machine_busy); }
cpu_line() { # what: the CPU seconds of every started process since cpu_mark, and the machine's busy share
  local b1 t1
  read -r b1 t1 < <(machine_busy)
  printf "machine %.0f %% busy (%s cores)" "$(echo "100 * ($b1 - $B0) / ($t1 - $T0)" | bc -l)" "$(nproc)"
  for k in $(echo "${!PROC[@]}" | tr ' ' '\n' | sort); do
    printf ", %s %.0f CPU-s" "$k" "$(echo "($(cpu_ticks "${PROC[$k]}") - ${C0[$k]}) / $HZ" | bc -l)"
  done
}
metric() { # gauge names...: their values from the admin port's metrics, space separated
  curl -fs "127.0.0.1:$ADMIN/metrics" 2>/dev/null | jq -r --args '[$ARGS.positional[] as $n | .gauges[$n].value // 0] | map(tostring) | join(" ")' "$@" 2>/dev/null || true
}
now() { date +%s.%N; }
secs() { date -d "$1" +%s.%N; }   # ISO-8601 → epoch seconds
jfr_start() { [ $JFR = 1 ] && jcmd "$SV_PID" JFR.start name="$1" settings=profile > /dev/null || true; }
jfr_stop() {
  [ $JFR = 1 ] || return 0
  jcmd "$SV_PID" JFR.stop name="$1" filename="$WORK/sideview-$1.jfr" > /dev/null || return 0
  python3 "$BENCH/jfr-top.py" --cpu --top 25 "$WORK/sideview-$1.jfr" > "$WORK/jfr-$1.txt" 2>&1 || true
}

# ------------------------------------------------------------------ 1. shards and rows
log "starting 2 MariaDB shards on 127.0.0.1:${MPORTS[0]},${MPORTS[1]}"
start_shard 0; start_shard 1
log "loading $ROWS rows ($PER_SHARD per shard, slices of $SLICE rows, both shards at once)"
T=$(now)
load_shard 0 & L0=$!
load_shard 1 & L1=$!
wait $L0; wait $L1
LOAD_SECS=$(echo "$(now) - $T" | bc -l)
for s in 0 1; do
  sql $s "SELECT COUNT(*), SUM(status = 'ACTIVE') FROM social.friends" > "$WORK/count$s.txt"
  [ "$(cut -f1 "$WORK/count$s.txt")" = "$PER_SHARD" ] || { echo "shard $s holds $(cut -f1 "$WORK/count$s.txt") rows, expected $PER_SHARD" >&2; exit 1; }
done
ACTIVE_ROWS=$(( $(cut -f2 "$WORK/count0.txt") + $(cut -f2 "$WORK/count1.txt") ))
BINLOG_MB=$(du -sm "$WORK/maria0/data" | cut -f1)
log "loaded in $(printf %.0f "$LOAD_SECS") s ($ACTIVE_ROWS active rows; shard0 datadir with binlog ${BINLOG_MB} MiB)"

# ------------------------------------------------------------------ 2. service, stream, copy
ZK=""
if [ "$STORAGE" = hbase ]; then log "starting HBase (local mode, -Xmx${HBASE_HEAP:-1g})"; start_hbase; ZK=$(cat "$WORK/hbase/zk.port"); fi
log "starting Sideview (-Xmx1g, storage $STORAGE) on 127.0.0.1:$API"
start_sideview "$ZK"
metric jvm.memory.heap.used > /dev/null

# Sampler: every 2 s, t, heap used and committed (admin metrics), rows and chunks of each copy, stream lag.
sampler() {
  local t0=$1 c h l
  while :; do
    c=$(curl -fs "127.0.0.1:$API/api/v1/ingest/copies" 2>/dev/null | jq -r '[(.[] | select(.shard=="shard0") | .rowsCopied, .chunksDone), (.[] | select(.shard=="shard1") | .rowsCopied, .chunksDone)] | map(tostring) | join(" ")' 2>/dev/null || true)
    h=$(metric jvm.memory.heap.used jvm.memory.heap.committed)
    l=$(curl -fs "127.0.0.1:$API/api/v1/ingest/status" 2>/dev/null | jq -r '[.shards[].lagMs // 0] | max' 2>/dev/null || echo 0)
    echo "$(echo "$(now) - $t0" | bc -l | xargs printf %.1f) ${h:-0 0} ${c:-} lag=$l" >> "$WORK/samples.txt"
    sleep 2
  done
}
cpu_mark
LA_COPY0=$(cut -d' ' -f1-3 /proc/loadavg)
jfr_start copy
T_COPY0=$(now)
sampler "$T_COPY0" & SAMPLER_PID=$!
code=$(curl -s -o "$WORK/view.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data-binary @"$ROOT/docs/examples/friends-view.json" "127.0.0.1:$API/api/v1/views")
[ "$code" = 201 ] || { echo "creating the view answered $code: $(cat "$WORK/view.json")" >&2; exit 1; }
log "view 'friends' created: copying"
if [ "$STREAM_RATE" != 0 ]; then
  # From the moment both engines stream (their copies start then too): a change committed before an
  # engine's start position would be copied, not streamed, and the drain check below counts streamed ones.
  for _ in $(seq 600); do
    [ "$(curl -fs "127.0.0.1:$API/api/v1/ingest/status" | jq '[.shards[] | select(.state == "STREAMING")] | length' 2>/dev/null)" = 2 ] && break
    sleep 0.1
  done
  log "stream load: $STREAM_RATE changes/s over both shards"
  bench backfill-stream "$(IFS=,; echo "${MPORTS[*]}")" "$STREAM_RATE" "$WORK/stream.stop" "$WORK/stream.json" > "$WORK/stream.log" 2>&1 &
  STREAM_PID=$!
fi
last=0
while :; do
  curl -fs "127.0.0.1:$API/api/v1/ingest/copies" > "$WORK/copies.json" 2>/dev/null || true
  done_n=$(jq '[.[] | select(.view=="friends" and .status=="DONE")] | length' "$WORK/copies.json" 2>/dev/null || echo 0)
  [ "$done_n" = 2 ] && break
  if jq -e '[.[] | select(.status=="FAILED" or .status=="CANCELLED")] | length > 0' "$WORK/copies.json" >/dev/null 2>&1; then
    echo "a copy failed: $(cat "$WORK/copies.json")" >&2; exit 1
  fi
  kill -0 "$SV_PID" 2>/dev/null || { echo "the service died; log: $WORK/sideview.log" >&2; tail -30 "$WORK/sideview.log" >&2; exit 1; }
  if [ $(( $(date +%s) - last )) -ge 30 ]; then
    last=$(date +%s)
    log "  $(jq -r '[.[] | "\(.shard) \(.status) \(.chunksDone) chunks \(.rowsCopied) rows"] | join("; ")' "$WORK/copies.json" 2>/dev/null); heap $(metric jvm.memory.heap.used | awk '{printf "%d MiB", $1/1048576}'); load $(cut -d' ' -f1 /proc/loadavg)"
  fi
  sleep 1
done
T_COPY1=$(now)
COPY_SECS=$(echo "$T_COPY1 - $T_COPY0" | bc -l)
jfr_stop copy
COPY_CPU=$(cpu_line)
LA_COPY1=$(cut -d' ' -f1-3 /proc/loadavg)
log "both copies DONE in $(printf %.1f "$COPY_SECS") s"
if [ -n "${STREAM_PID:-}" ]; then
  touch "$WORK/stream.stop"; wait "$STREAM_PID" || { echo "the stream load failed: $(cat "$WORK/stream.log")" >&2; exit 1; }
  STREAM_PID=""
  COMMITTED=$(jq .committed "$WORK/stream.json")
  T=$(now)
  for _ in $(seq 240); do
    APPLIED=$(curl -fs "127.0.0.1:$API/api/v1/ingest/status" | jq '[.shards[].eventsApplied] | add')
    [ "$APPLIED" -ge "$COMMITTED" ] && break
    sleep 0.5
  done
  DRAIN_SECS=$(echo "$(now) - $T" | bc -l)
  [ "$APPLIED" -ge "$COMMITTED" ] || DRAIN_SECS=-1
  log "stream: $COMMITTED changes committed during the copy, $APPLIED applied (drained $(printf %.1f "$DRAIN_SECS") s after it stopped)"
fi
curl -fs "127.0.0.1:$API/api/v1/ingest/copies" > "$WORK/copies.json"

# ------------------------------------------------------------------ 3. verify against the source
cpu_mark
jfr_start verify
T_V0=$(now)
curl -fs -X POST -H 'Content-Type: application/json' --data '{"type":"SOURCE_VERIFY","view":"friends"}' \
  "127.0.0.1:$API/api/v1/jobs" > "$WORK/verify-started.json"
JOB=$(jq .id "$WORK/verify-started.json")
log "SOURCE_VERIFY started: job $JOB"
last=$(date +%s)
while :; do
  curl -fs "127.0.0.1:$API/api/v1/jobs/$JOB" > "$WORK/verify.json" 2>/dev/null || true
  state=$(jq -r .state "$WORK/verify.json" 2>/dev/null || echo '?')
  case "$state" in DONE|FAILED|CANCELLED) break ;; esac
  kill -0 "$SV_PID" 2>/dev/null || { echo "the service died; log: $WORK/sideview.log" >&2; exit 1; }
  if [ "$(echo "$(now) - $T_V0 > $VERIFY_TIMEOUT" | bc)" = 1 ] && [ -z "${CANCELLED:-}" ]; then
    # A source job notices a cancel between batches of nodes, so it can take a while to end.
    log "  verify: not done after $VERIFY_TIMEOUT s: cancelling job $JOB"
    curl -fs -X POST "127.0.0.1:$API/api/v1/jobs/$JOB/cancel" > /dev/null || true; CANCELLED=1
  fi
  if [ -n "${CANCELLED:-}" ] && [ "$(echo "$(now) - $T_V0 > $VERIFY_TIMEOUT + 300" | bc)" = 1 ]; then
    log "  verify: still not ended 300 s after the cancel; reporting it unfinished"; break
  fi
  if [ $(( $(date +%s) - last )) -ge 30 ]; then
    last=$(date +%s)
    log "  verify: $(jq -r '"\(.done)/\(.total // "?") node sides, \(.ratePerSecond // 0 | floor)/s"' "$WORK/verify.json"); heap $(metric jvm.memory.heap.used | awk '{printf "%d MiB", $1/1048576}'); load $(cut -d' ' -f1 /proc/loadavg)"
  fi
  sleep 1
done
T_V1=$(now)
jfr_stop verify
VERIFY_CPU=$(cpu_line)
stop_pid "$SAMPLER_PID" 5; SAMPLER_PID=""
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
log "SOURCE_VERIFY $state in $(printf %.1f "$(echo "$T_V1 - $T_V0" | bc -l)") s: $(jq -c '.result | del(.samples)' "$WORK/verify.json")"
grep -c ' ERROR ' "$WORK/sideview.log" > "$WORK/errors.txt" || true
jcmd "$SV_PID" GC.run > /dev/null 2>&1 && sleep 1 && LIVE=$(metric jvm.memory.heap.used | awk '{printf "%d", $1/1048576}') || LIVE="?"
GC=$(metric jvm.gc.G1-Young-Generation.count jvm.gc.G1-Young-Generation.time jvm.gc.G1-Old-Generation.count jvm.gc.G1-Old-Generation.time jvm.gc.G1-Concurrent-GC.time)

# ------------------------------------------------------------------ report
OUT="$BENCH/results/backfill-$STAMP.md"
export LIVE STAMP STORAGE ROWS STREAM_RATE COPY_SECS T_V0 T_V1 ACTIVE_ROWS LOAD_SECS COPY_CPU VERIFY_CPU GC
export DRAIN_SECS=${DRAIN_SECS:-0} ERRORS=$(cat "$WORK/errors.txt")
export MACHINE="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/{print $2}') GiB RAM"
export LOADS="load average (1, 5, 15 min) at start $LOAD_START, at the copy's start $LA_COPY0, at the copy's end $LA_COPY1, at the end $LOAD_END"
python3 - "$WORK" "$OUT" <<'PY'
import json, os, sys, datetime
E = os.environ
work, out = sys.argv[1], sys.argv[2]
def iso(s): return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
def f(n, d=0): return format(round(n, d) if d else int(round(n)), ",")
copies = sorted([c for c in json.load(open(work + "/copies.json")) if c["view"] == "friends"], key=lambda c: c["shard"])
verify = json.load(open(work + "/verify.json"))
stream = json.load(open(work + "/stream.json")) if E["STREAM_RATE"] != "0" else None
samples = [line.split() for line in open(work + "/samples.txt") if len(line.split()) >= 3]
heap_used = max((int(float(p[1])) for p in samples), default=0)
heap_comm = max((int(float(p[2])) for p in samples), default=0)
copy_secs, rows = float(E["COPY_SECS"]), int(E["ROWS"])
lags = [int(p[-1][4:]) for p in samples if p[-1].startswith("lag=") and p[-1][4:].isdigit() and float(p[0]) <= copy_secs]
copied = sum(c["rowsCopied"] for c in copies)
chunks = sum(c["chunksDone"] for c in copies)
res = verify.get("result") or {}
vs = iso(verify["finishedAt"]) - iso(verify["startedAt"]) if verify.get("finishedAt") and verify.get("startedAt") else float(E["T_V1"]) - float(E["T_V0"])
MiB = 1048576
L = []
L.append("## Sideview backfill benchmark, run %s (%s, %s rows)" % (E["STAMP"], E["STORAGE"], f(rows)))
L.append("")
L.append("- machine: %s; **%s**" % (E["MACHINE"], E["LOADS"]))
L.append("- build: " + E["BUILD"])
L.append("- data: %s rows of social.friends over 2 shards (%s each, %s active, 1 in 50 soft-deleted), 100 friends per user, 200,000 friend ids; view docs/examples/friends-view.json (BOTH, one index); loaded in %s s with INSERT ... SELECT FROM seq_0_to_N in slices of 1,000,000 rows" % (f(rows), f(rows // 2), f(int(E["ACTIVE_ROWS"])), f(float(E["LOAD_SECS"]))))
if stream:
    d = float(E["DRAIN_SECS"])
    L.append("- stream during the copy: %s changes/s target, %s committed in %s s (%s/s), %s; largest lag sampled during the copy %s ms" % (
        f(stream["targetRate"]), f(stream["committed"]), stream["seconds"], f(stream["rate"]),
        "all applied %s s after the copy ended" % f(d, 1) if d >= 0 else "**not all applied within 120 s**", f(max(lags, default=0))))
else:
    L.append("- no stream during the copy")
L.append("")
L.append("| measure | value |")
L.append("|---|---:|")
L.append("| **copy wall time** (view created → both copies DONE) | **%s s** |" % f(copy_secs, 1))
L.append("| **copy rate, overall** (rows copied / wall time) | **%s rows/s** |" % f(copied / copy_secs))
for c in copies:
    d = iso(c["updatedAt"]) - iso(c["startedAt"])
    L.append("| copy %s: %s rows, %s chunks in %s s (startedAt → updatedAt) | %s rows/s |" % (c["shard"], f(c["rowsCopied"]), f(c["chunksDone"]), f(d, 1), f(c["rowsCopied"] / d)))
L.append("| chunks, both shards | %s |" % f(chunks))
L.append("| **max heap used** (admin metrics, every 2 s, copy and verify) | **%s MiB** (committed at most %s MiB, -Xmx1g; %s MiB live after a full GC at the end) |" % (f(heap_used / MiB), f(heap_comm / MiB), E["LIVE"]))
L.append("| **verify time** (job startedAt → finishedAt) | **%s s** (%s) |" % (f(vs, 1), verify["state"]))
if res.get("edges") is not None:
    L.append("| **verify rate** (result edges, one per side kept / s) | **%s edges/s** (%s distinct edges/s; %s source rows/s; %s node sides/s) |" % (f(res["edges"] / vs), f(res["edges"] / 2 / vs), f(res.get("rows", 0) / vs), f(res.get("nodes", 0) / vs)))
    L.append("| verify result | exact **%s**: %s node sides, %s edges, %s rows; differences %s; unconfirmed %s, unmappable %s |" % (
        str(res.get("exact")).lower(), f(res.get("nodes", 0)), f(res["edges"]), f(res.get("rows", 0)),
        ", ".join("%s %s" % (k, v) for k, v in (res.get("differences") or {}).items()), res.get("unconfirmed"), res.get("unmappable")))
else:
    L.append("| verify result | **not finished**: %s after %s s, %s node sides done (`--verify-timeout`) |" % (verify.get("state"), f(vs, 1), f(verify.get("done") or 0)))
L.append("")
L.append("- CPU during the copy: " + E["COPY_CPU"])
L.append("- CPU during the verify (and the stream's drain before it): " + E["VERIFY_CPU"])
g = E.get("GC", "").split()
if len(g) == 5:
    L.append("- GC since the service started (G1): young %s collections, %s ms; old %s, %s ms; concurrent %s ms" % tuple(g))
L.append("- service log ERROR lines: " + E["ERRORS"])
pts = [(float(p[0]), int(p[3]) + int(p[5])) for p in samples if len(p) >= 8 and p[3].isdigit() and p[5].isdigit() and float(p[0]) <= copy_secs + 2]
if len(pts) > 10:
    rates = []
    for i in range(10):
        a, b = pts[i * (len(pts) - 1) // 10], pts[(i + 1) * (len(pts) - 1) // 10]
        rates.append(f((b[1] - a[1]) / max(0.1, b[0] - a[0])))
    L.append("- copy rate by tenth of the copy (rows/s, both shards, from the 2 s samples): " + ", ".join(rates))
goal_copy = 30000 if E["STORAGE"] == "hbase" else 100000
vrate = (res.get("edges") or 0) / vs
L.append("")
L.append("Goals (issue 16): copy ≥ %s rows/s: **%s** (%s); verify ≥ 50,000 edges/s: **%s** (%s); heap ≤ 1 GiB: **%s** (max used %s MiB)." % (
    f(goal_copy), "met" if copied / copy_secs >= goal_copy else "not met", f(copied / copy_secs),
    "met" if vrate >= 50000 else "not met", f(vrate) if res.get("edges") is not None else "verify unfinished",
    "met" if heap_used <= 1024 * MiB else "not met", f(heap_used / MiB)))
open(out, "w").write("\n".join(L) + "\n")
PY
cat "$OUT"
[ $JFR = 1 ] && log "JFR summaries: $WORK/jfr-copy.txt, $WORK/jfr-verify.txt"
log "results written to $OUT ($(( $(date +%s) - T_BEGIN )) s in all)"
