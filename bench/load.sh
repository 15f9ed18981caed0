#!/usr/bin/env bash
# Sideview load suite, long variant: one command, see docs/benchmarks.md ("Load suite").
#   bench/load.sh [--minutes N] [--rate N] [--ingest-rate N] [--prefill N] [--warmup S] [--connections N]
#                 [--timeout MS] [--sample S] [--hbase] [--keep]
# 2 throwaway MariaDB shards (ROW binlog), the packaged service capturing social.friends into the
# friends view (RocksDB; --hbase: a local-mode HBase), then, with FriendsLoad writers changing rows at
# --ingest-rate during the whole run:
#   every query shape (get, multi-get, count, scan newest-10, next page by cursor, reverse count,
#   reverse scan, mutual) at a constant arrival rate of --rate requests/s each (open loop: latency
#   from each request's intended send time), --warmup s unmeasured, then --minutes measured;
#   heap after a full GC and thread count at the start and end of the window, heap, threads, RSS and
#   ingest backlog every --sample s between.
# --minutes      measured window (default 10)          --rate         requests/s per shape (100; --hbase 50)
# --ingest-rate  row changes/s over both shards (500)  --prefill      changes made first, at 4,000/s (100,000)
# --warmup       unmeasured seconds of queries (60)    --connections  load tool connections (32)
# --timeout      ms from intended send to answer before a request is an error (5000)
# --sample       seconds between readings (default: the window / 20, at least 5)
# --keep         keep the work directory (logs, data)
# Results: bench/results/load-<timestamp>.md; exit code 3 when a verdict fails (request errors, a shape
# below its rate, heap or threads not flat, ingest not kept up, ERROR lines in the service log). Everything listens on 127.0.0.1; every
# process started here is stopped on exit (also on Ctrl-C).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
MINUTES=10; RATE=""; INGEST=500; PREFILL=100000; WARMUP=60; CONNS=32; TIMEOUT=5000; SAMPLE=""; STORAGE=rocksdb; KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --ingest-rate) INGEST=$2; shift ;;
    --prefill) PREFILL=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --connections) CONNS=$2; shift ;;
    --timeout) TIMEOUT=$2; shift ;;
    --sample) SAMPLE=$2; shift ;;
    --hbase) STORAGE=hbase ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
: "${SAMPLE:=$(( MINUTES * 3 > 5 ? MINUTES * 3 : 5 ))}"
# HBase shares the 2 cores here with the service and the shards: 100/s per shape (800/s) with 500
# changes/s saturated them (p50 1 s, timeouts in the warm-up); 50/s per shape passed.
: "${RATE:=$([ $STORAGE = hbase ] && echo 50 || echo 100)}"

API=17080; ADMIN=17081
MPORTS=(15306 15307)
for p in $API $ADMIN "${MPORTS[@]}"; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "port $p is in use; stop what uses it first" >&2; exit 1; fi
done
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || { echo "needs mariadb-server (apt-get install -y mariadb-server)" >&2; exit 1; }
command -v jq >/dev/null || { echo "needs jq (apt-get install -y jq)" >&2; exit 1; }
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)

WORK=$(mktemp -d /tmp/sideview-load.XXXXXX)
PIDS=()
. "$BENCH/procs.sh"
cleanup() {
  set +e
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do stop_pid "${PIDS[$i]}" 60; done
  if [ $KEEP = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ build and pieces
. "$BENCH/build.sh"
bench() { java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_CP" io.sideview.bench.Bench "$@"; }
# HBase's JDK 11+ flags (recipes/hbase.md); harmless for RocksDB
JFLAGS=(--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true)
declare -A PROC
. "$BENCH/cdc.sh"

# ------------------------------------------------------------------ run
STAMP=$(date +%Y%m%d-%H%M%S)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ZK=""
if [ $STORAGE = hbase ]; then
  mvn -q -B -f "$BENCH/pom.xml" $DEP -Dmdep.includeScope=provided -Dmdep.outputFile="$WORK/hbase-cp.txt"
  log "starting HBase (local mode)"; start_hbase "$WORK"; ZK=$(cat "$WORK/hbase/zk.port")
fi
log "starting 2 MariaDB shards on 127.0.0.1:${MPORTS[0]},${MPORTS[1]}"
start_shard "$WORK" 0; start_shard "$WORK" 1
log "starting Sideview ($STORAGE, wal none, -Xmx1g, G1) on 127.0.0.1:$API"
start_sideview "$WORK" $STORAGE none "$ZK"
create_view "$WORK"
log "view 'friends' created, both shards STREAMING; prefill $PREFILL changes, warm-up ${WARMUP} s, then ${MINUTES} min at ${RATE}/s per shape with ${INGEST} changes/s"
declare -A C0
for k in "${!PROC[@]}"; do C0[$k]=$(cpu_ticks "${PROC[$k]}"); done
read -r B0 T0 < <(machine_busy)
RC=0
LOG_FROM=$(wc -l < "$WORK/sideview.log")   # ERROR lines are judged from here (engine start-up may log readiness ones)
bench load-run $API $ADMIN "$SV_PID" "${MPORTS[0]},${MPORTS[1]}" "$RATE" "$INGEST" "$PREFILL" "$WARMUP" \
  $((MINUTES * 60)) "$CONNS" "$SAMPLE" "$TIMEOUT" "$WORK/sideview.log" "$LOG_FROM" "$WORK/load.md" || RC=$?
[ -s "$WORK/load.md" ] || { echo "the load run wrote no report (exit $RC); service log: $WORK/sideview.log" >&2; KEEP=1; exit 1; }
read -r B1 T1 < <(machine_busy)

OUT="$BENCH/results/load-$STAMP.md"
{
  echo "## Sideview load suite run $STAMP (${MINUTES} min, $STORAGE)"
  echo
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/{print $2}') GiB RAM; load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $(java -version 2>&1 | head -1); MariaDB $("$MARIADBD" --version | grep -Eo '[0-9]+\.[0-9]+\.[0-9]+-MariaDB' | head -1); Sideview $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (+ uncommitted changes)') (-Xmx1g, G1, $STORAGE, wal none)"
  echo "- 2 MariaDB shards (ROW binlog), view docs/examples/friends-view.json (BOTH); FriendsLoad writers on 2 x 50,000 (user, friend) pairs: $PREFILL changes prefill, then $INGEST changes/s through warm-up and window"
  echo "- queries: 8 shapes at $RATE requests/s each ($((RATE * 8))/s in all), open loop, $CONNS connections, ${TIMEOUT} ms timeout; ${WARMUP} s warm-up, ${MINUTES} min window; readings every ${SAMPLE} s"
  # CPU seconds of this run's processes vs the whole machine's over the same time: what is left is
  # other work on the machine, which makes the latencies say less about the service.
  OURS=$(cat "$WORK/load-tool-cpu.txt" 2>/dev/null || echo 0)
  printf -- "- CPU over prefill, warm-up and window: machine %.0f %% busy (%.0f of %.0f core-seconds): load tool %s s" \
    "$(echo "100 * ($B1 - $B0) / ($T1 - $T0)" | bc -l)" "$(echo "($B1 - $B0) / $HZ" | bc -l)" "$(echo "($T1 - $T0) / $HZ" | bc -l)" "$OURS"
  for k in $(echo "${!PROC[@]}" | tr ' ' '\n' | sort); do
    c=$(echo "($(cpu_ticks "${PROC[$k]}") - ${C0[$k]}) / $HZ" | bc -l)
    printf ", %s %.0f s" "$k" "$c"; OURS=$(echo "$OURS + $c" | bc -l)
  done
  OTHERS=$(echo "($B1 - $B0) / $HZ - $OURS" | bc -l)
  printf ", other processes %.0f s\n" "$OTHERS"
  if [ "$(echo "$OTHERS > 0.1 * ($T1 - $T0) / $HZ" | bc -l)" = 1 ]; then
    echo "- **other work used more than 10 % of the machine during the run** (above); re-run on a quiet machine before quoting the numbers"
  fi
  echo "- service log ERROR lines before the run, while the engines started: $(head -n "$LOG_FROM" "$WORK/sideview.log" | grep -c '^ERROR' || true) (during the run: see the verdict)"
  echo
  cat "$WORK/load.md"
} > "$OUT"
cat "$OUT"
log "results written to $OUT"
exit $RC
