#!/usr/bin/env bash
# Sideview ingest benchmark: one command, see docs/benchmarks.md ("Ingest benchmark").
#   bench/ingest.sh [--quick] [--rocksdb|--hbase] [--none|--kafka] [--rate-rocksdb N] [--rate-hbase N]
#                   [--lag-rate N] [--duration S] [--warmup S] [--lag-duration S] [--lanes N] [--jfr] [--keep]
#                   [--max [--max-start N] [--max-step N]] [--jar PATH]
# Runs every corner (storage rocksdb|hbase x wal none|kafka) unless --rocksdb/--hbase or --none/--kafka
# narrow it. Per corner: 2 throwaway MariaDB shards (ROW binlog), a KRaft Kafka broker (wal kafka), a
# local-mode HBase (storage hbase), the packaged service capturing social.friends, then
#   1. end-to-end lag: marker rows committed every 100 ms under a steady --lag-rate (1,000/s) load,
#      polled through GET /api/v1/views/friends/edge until visible (--lag-duration: 120 s, quick 30 s);
#   2. throughput: the shards driven at --rate-rocksdb (12,000/s) / --rate-hbase (6,000/s) for
#      --warmup (30 s, quick 15 s) + --duration (300 s, quick 45 s); applied changes sampled every second.
# --max     instead of the lag and throughput runs, find the highest sustained rate: throughput steps
#           (--warmup, default 15 s, + --duration, default 30 s) from --max-start (8,000/s RocksDB, 3,000/s
#           HBase) up by --max-step (2,000 / 1,000) until a step does not keep up (applied < 95 % of
#           generated, or a backlog left) or the load generator falls 10 % short of its target
# --jar     measure this service jar (with the config.yml of its tree, when it sits in target/) instead
#           of building the working tree's: before/after comparisons on the same machine
# --jfr     record a JFR of the service (and of HBase) during the throughput run (kept in the work directory; implies --keep)
# --keep    keep the work directory (logs, raw JSON)
# Results: bench/results/ingest-<timestamp>.md. Everything listens on 127.0.0.1; every process started
# here is stopped on exit (also on Ctrl-C).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
QUICK=0; KEEP=0; JFR=0; STORAGES=""; WALS=""; RATE_R=12000; RATE_H=6000; LAG_RATE=1000
MAX=0; MAX_START=""; MAX_STEP=""
DURATION=""; WARMUP=""; LAG_DURATION=""; LANES=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --rocksdb|--hbase) STORAGES="$STORAGES ${1#--}" ;;
    --none|--kafka) WALS="$WALS ${1#--}" ;;
    --rate-rocksdb) RATE_R=$2; shift ;;
    --rate-hbase) RATE_H=$2; shift ;;
    --lag-rate) LAG_RATE=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --lag-duration) LAG_DURATION=$2; shift ;;
    --lanes) LANES=$2; shift ;;
    --jfr) JFR=1; KEEP=1 ;;
    --max) MAX=1 ;;
    --max-start) MAX_START=$2; shift ;;
    --max-step) MAX_STEP=$2; shift ;;
    --jar) SV_JAR=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); export SV_JAR
           # That build's own config.yml (target/../config.yml) when there is one: its keys are the ones it knows.
           [ -f "$(dirname "$SV_JAR")/../config.yml" ] && CONFIG_TEMPLATE=$(dirname "$SV_JAR")/../config.yml
           shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
: "${STORAGES:=rocksdb hbase}" "${WALS:=none kafka}"
if [ $MAX = 1 ]; then
  : "${DURATION:=30}" "${WARMUP:=15}" "${LAG_DURATION:=0}"; LAG_SETTLE=0
elif [ $QUICK = 1 ]; then
  : "${DURATION:=45}" "${WARMUP:=15}" "${LAG_DURATION:=30}"; LAG_SETTLE=15
else
  : "${DURATION:=300}" "${WARMUP:=30}" "${LAG_DURATION:=120}"; LAG_SETTLE=30
fi

DRAIN=${DRAIN:-90}
API=19080; ADMIN=19081; KAFKA=19092; KAFKA_CTL=19093
MPORTS=(14306 14307)
for p in $API $ADMIN $KAFKA $KAFKA_CTL "${MPORTS[@]}"; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "port $p is in use; stop what uses it first" >&2; exit 1; fi
done
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || { echo "needs mariadb-server (apt-get install -y mariadb-server)" >&2; exit 1; }
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)

WORK=$(mktemp -d /tmp/sideview-ingest-bench.XXXXXX)
PIDS=()
. "$BENCH/procs.sh"
stop_all() {
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do stop_pid "${PIDS[$i]}" 60; done
  PIDS=()
}
cleanup() {
  set +e
  stop_all
  if [ $KEEP = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ build
. "$BENCH/build.sh"
bench() { java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_CP" io.sideview.bench.Bench "$@"; }
case " $WALS " in *" kafka "*)
  mvn -q -B -f "$BENCH/kafka/pom.xml" $DEP -Dmdep.outputFile="$WORK/kafka-cp.txt" ;;
esac
case " $STORAGES " in *" hbase "*)
  mvn -q -B -f "$BENCH/pom.xml" $DEP -Dmdep.includeScope=provided -Dmdep.outputFile="$WORK/hbase-cp.txt" ;;
esac
# HBase's JDK 11+ flags (recipes/hbase.md); harmless for RocksDB, so every service run uses them
JFLAGS=(--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true)

# ------------------------------------------------------------------ pieces
declare -A PROC   # name -> pid, for the CPU accounting
. "$BENCH/cdc.sh"
start_kafka() { # dir
  local d=$1/kafka kcp
  kcp=$(cat "$WORK/kafka-cp.txt")
  mkdir -p "$d"
  cat > "$d/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CTL
listeners=PLAINTEXT://127.0.0.1:$KAFKA,CONTROLLER://127.0.0.1:$KAFKA_CTL
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA
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
  java -cp "$kcp" kafka.tools.StorageTool format -t "$(java -cp "$kcp" kafka.tools.StorageTool random-uuid)" \
    -c "$d/server.properties" --standalone > "$d/format.log" 2>&1
  java -Xmx512m -Xms512m -cp "$kcp" kafka.Kafka "$d/server.properties" > "$d/kafka.log" 2>&1 &
  PIDS+=($!); PROC[kafka]=$!
  for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/$KAFKA) 2>/dev/null && return 0; sleep 0.1; done
  echo "Kafka did not start; log: $d/kafka.log" >&2; tail -30 "$d/kafka.log" >&2; exit 1
}

run_corner() { # storage wal
  local storage=$1 wal=$2 d=$WORK/$1-$2 rate zk="" b0 b1 t0 t1
  rate=$([ "$storage" = hbase ] && echo "$RATE_H" || echo "$RATE_R")
  mkdir -p "$d"; echo "$storage + wal $wal" > "$d/corner.txt"
  PROC=()
  if [ $JFR = 1 ]; then
    SV_JVM_EXTRA=("-XX:StartFlightRecording=filename=$d/sideview.jfr,settings=profile,delay=$((LAG_SETTLE + LAG_DURATION + 20))s,duration=$((WARMUP + DURATION))s")
    HBASE_JVM_EXTRA=("-XX:StartFlightRecording=filename=$d/hbase/hbase.jfr,settings=profile,delay=$((LAG_SETTLE + LAG_DURATION + 40))s,duration=$((WARMUP + DURATION))s")
  fi
  log "[$storage/$wal] starting 2 MariaDB shards on 127.0.0.1:${MPORTS[0]},${MPORTS[1]}"
  start_shard "$d" 0; start_shard "$d" 1
  if [ "$wal" = kafka ]; then log "[$storage/$wal] starting Kafka (KRaft) on 127.0.0.1:$KAFKA"; start_kafka "$d"; fi
  if [ "$storage" = hbase ]; then
    log "[$storage/$wal] starting HBase (local mode)"; start_hbase "$d"; zk=$(cat "$d/hbase/zk.port")
  fi
  log "[$storage/$wal] starting Sideview (-Xmx1g) on 127.0.0.1:$API"
  start_sideview "$d" "$storage" "$wal" "$zk"
  create_view "$d"
  log "[$storage/$wal] view 'friends' created, both shards STREAMING"
  if [ $MAX = 1 ]; then max_search "$d" "$storage" "$wal"; stop_all; return; fi
  log "[$storage/$wal] end-to-end lag: markers every 100 ms for ${LAG_DURATION} s under ${LAG_RATE} changes/s"
  bench ingest-lag $API "$(IFS=,; echo "${MPORTS[*]}")" "$LAG_RATE" "$LAG_SETTLE" "$LAG_DURATION" 100 "$d/lag.json"
  log "[$storage/$wal] throughput: ${rate} changes/s for ${WARMUP} s warm-up + ${DURATION} s"
  declare -A c0
  for k in "${!PROC[@]}"; do c0[$k]=$(cpu_ticks "${PROC[$k]}"); done
  read -r b0 t0 < <(machine_busy)
  local la0; la0=$(cut -d' ' -f1-3 /proc/loadavg)
  bench ingest-throughput $API "$(IFS=,; echo "${MPORTS[*]}")" "$rate" "$WARMUP" "$DURATION" \
    "$([ "$wal" = kafka ] && echo "127.0.0.1:$KAFKA" || echo -)" sideview-applier 2 "$DRAIN" "$d/throughput.json"
  read -r b1 t1 < <(machine_busy)
  {
    printf -- "- %s, CPU during the throughput run (warm-up, window and drain; %s cores):" "$storage + wal $wal" "$(nproc)"
    printf " machine %.0f %% busy" "$(echo "100 * ($b1 - $b0) / ($t1 - $t0)" | bc -l)"
    for k in $(echo "${!PROC[@]}" | tr ' ' '\n' | sort); do
      printf ", %s %.0f s" "$k" "$(echo "($(cpu_ticks "${PROC[$k]}") - ${c0[$k]}) / $HZ" | bc -l)"
    done
    printf "; load average %s before, %s after\n" "$la0" "$(cut -d' ' -f1-3 /proc/loadavg)"
    # Where the apply lanes found the rows each apply starts from (edge.apply.* gauges).
    curl -fs "127.0.0.1:$ADMIN/metrics" 2>/dev/null | python3 -c '
import json, sys
g = json.load(sys.stdin)["gauges"]
v = lambda n: g.get("edge.apply." + n, {}).get("value", 0)
def line(kind):
    kept, read = v(kind + "Rows.kept"), v(kind + "Rows.read")
    return "%s rows %s of %s from memory (%.1f %%)" % (kind, format(kept, ","), format(kept + read, ","), 100.0 * kept / max(1, kept + read))
print("- %s, kept rows since start: %s, %s" % (sys.argv[1], line("count"), line("state")))
' "$storage + wal $wal" || true
  } > "$d/procs.md"
  cat "$d/procs.md"
  curl -fs "127.0.0.1:$API/api/v1/ingest/status" > "$d/status-end.json" || true
  grep -c ' ERROR ' "$d/sideview.log" > "$d/errors.txt" || true
  log "[$storage/$wal] stopping"
  stop_all
}

# The --max search on a running corner: steps of rising rate until one does not keep up.
max_search() { # dir storage wal
  local d=$1 storage=$2 wal=$3 rate step n=0 line gen app verdict best=0 best_app=0
  rate=${MAX_START:-$([ "$storage" = hbase ] && echo 3000 || echo 8000)}
  step=${MAX_STEP:-$([ "$storage" = hbase ] && echo 1000 || echo 2000)}
  : > "$d/max.txt"
  while :; do
    n=$((n + 1))
    log "[$storage/$wal] step $n: ${rate} changes/s for ${WARMUP} s warm-up + ${DURATION} s"
    bench ingest-throughput $API "$(IFS=,; echo "${MPORTS[*]}")" "$rate" "$WARMUP" "$DURATION" \
      "$([ "$wal" = kafka ] && echo "127.0.0.1:$KAFKA" || echo -)" sideview-applier 2 "$DRAIN" "$d/step$n.json" \
      $((n * 100000)) > /dev/null
    read -r gen app verdict < <(bench ingest-step "$d/step$n.json")
    echo "| $rate | $gen | $app | $verdict |" >> "$d/max.txt"
    log "[$storage/$wal] step $n: target $rate, generated $gen/s, applied $app/s: $verdict"
    if [ "$verdict" != kept ]; then break; fi
    best=$gen; best_app=$app
    if [ "$gen" -lt $((rate * 9 / 10)) ]; then
      log "[$storage/$wal] the load generator fell short of $rate/s: the service kept up with all it could offer"
      echo "| (load generator limit) | | | |" >> "$d/max.txt"
      break
    fi
    rate=$((rate + step))
  done
  echo "$best $best_app" > "$d/max-best.txt"
}

STAMP=$(date +%Y%m%d-%H%M%S)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for s in $STORAGES; do for w in $WALS; do run_corner "$s" "$w"; done; done

if [ $MAX = 1 ]; then
  OUT="$BENCH/results/ingest-max-$STAMP.md"
  {
    echo "## Sideview ingest maximum, run $STAMP"
    echo
    echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- service jar: $JAR (built from $(git -C "$(dirname "$JAR")/.." rev-parse --short HEAD 2>/dev/null || echo '?')); steps of ${WARMUP} s warm-up + ${DURATION} s window"
    echo "- view docs/examples/friends-view.json (BOTH), 2 MariaDB shards; \"kept\": applied ≥ 95 % of generated over the window and the backlog at its end at most 2 s of the target"
    for d in "$WORK"/*/; do
      [ -f "$d/max.txt" ] || continue
      echo
      echo "### $(cat "$d/corner.txt"): highest sustained rate $(cut -d' ' -f1 "$d/max-best.txt")/s generated and applied"
      echo
      echo "| target /s | generated /s | applied /s | verdict |"
      echo "|---:|---:|---:|---|"
      cat "$d/max.txt"
    done
  } > "$OUT"
  cat "$OUT"
  log "results written to $OUT"
  exit 0
fi

{
  echo "## Sideview ingest benchmark run $STAMP ($([ $QUICK = 1 ] && echo quick || echo full))"
  echo
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/{print $2}') GiB RAM; load average before the run: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $(java -version 2>&1 | head -1); MariaDB $("$MARIADBD" --version | grep -Eo '[0-9]+\.[0-9]+\.[0-9]+-MariaDB' | head -1); Kafka 4.1.1 (KRaft, one broker, -Xmx512m); HBase 2.6.3 local mode (-Xmx${HBASE_HEAP:-1g}); Sideview $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (+ uncommitted changes)') (-Xmx1g, G1, applyLanes ${LANES:-default 4})"
  echo "- 2 MariaDB shards (ROW binlog, FULL images), table social.friends (docs/examples/friends.sql), view docs/examples/friends-view.json (direction BOTH: 2 node sides per change); wal kafka: WAL topic 12 partitions"
  echo "- throughput: target ${RATE_R}/s (RocksDB), ${RATE_H}/s (HBase); ${WARMUP} s warm-up + ${DURATION} s window; applied changes sampled every second; drain bounded at ${DRAIN} s"
  echo "- lag: markers every 100 ms for ${LAG_DURATION} s (after ${LAG_SETTLE} s) under ${LAG_RATE} changes/s; commit on the shard → visible through GET /edge, polled every 5 ms by one thread in multi-get requests (up to 100 markers each)"
  if awk -v n="$(nproc)" -v a="$LOAD_BEFORE" -v b="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[1]>n/2 || y[3]>n+4)}'; then
    echo "- **the machine was probably busy**: the load average (above; this benchmark alone keeps it near 4-6) suggests other work shared the $(nproc) cores; compare the per-process CPU seconds under Details, and re-run on a quiet machine before quoting the numbers"
  fi
  echo "- service log ERROR lines per corner: $(for d in "$WORK"/*/errors.txt; do printf '%s %s; ' "$(basename "$(dirname "$d")")" "$(cat "$d")"; done)"
} > "$WORK/meta.md"
bench ingest-report "$WORK" "$BENCH/results/ingest-$STAMP.md" > /dev/null
cat "$BENCH/results/ingest-$STAMP.md"
log "results written to $BENCH/results/ingest-$STAMP.md"
