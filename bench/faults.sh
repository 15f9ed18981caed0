#!/usr/bin/env bash
# Sideview fault suite, long variant (issue 18): FaultSuiteIT through Maven with more rounds. See
# docs/benchmarks.md ("Fault suite").
#   bench/faults.sh [--rounds N] [--seed N] [--corner C] [--no-round-checks] [--offline]
# On each corner (ROCKSDB_NONE, ROCKSDB_KAFKA, HBASE_NONE, HBASE_KAFKA), under a running workload on
# two MariaDB shards: N SIGKILLs of the packaged service at random moments (the first inside the
# view's history copy), one shard restart, and the Kafka broker / HBase region server restarted where
# the corner has one; the view must equal SQL after every fault, VERIFY exact at the end.
#   --rounds N          service kills per corner (default 20; `mvn -B verify` runs 5)
#   --seed N            replay a plan (each corner prints its seed; default: a new one)
#   --corner C          run one corner only (default: all four)
#   --no-round-checks   compare the view with SQL only after the copy's kill and at the end, as
#                       `mvn -B verify` does: faults then also land while the service recovers
#   --offline           pass -o to Maven (no downloads)
# Needs what `mvn -B verify` needs (Java 17, Maven, mariadb-server). The per-round lines and the seed
# are printed at the end, from target/failsafe-reports/io.sideview.ingest.FaultSuiteIT-output.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=20; SEED=""; CORNER=""; CHECKS=true; OFFLINE=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=${2:?--rounds needs a value}; shift ;;
    --seed) SEED=${2:?--seed needs a value}; shift ;;
    --corner) CORNER=${2:?--corner needs a value}; shift ;;
    --no-round-checks) CHECKS=false ;;
    --offline) OFFLINE=(-o) ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "--rounds: not a positive number: $ROUNDS" >&2; exit 2; }
[[ -z $SEED || $SEED =~ ^-?[0-9]+$ ]] || { echo "--seed: not a number: $SEED" >&2; exit 2; }
case "$CORNER" in
  ""|ROCKSDB_NONE|ROCKSDB_KAFKA|HBASE_NONE|HBASE_KAFKA) ;;
  *) echo "--corner: one of ROCKSDB_NONE ROCKSDB_KAFKA HBASE_NONE HBASE_KAFKA, got $CORNER" >&2; exit 2 ;;
esac

props=(-Dfault.rounds="$ROUNDS" -Dfault.checkEveryRound="$CHECKS")
[ -n "$SEED" ] && props+=(-Dfault.seed="$SEED")
[ -n "$CORNER" ] && props+=(-Dfault.corner="$CORNER")

cd "$ROOT"
status=0
start=$(date +%s)
mvn -B "${OFFLINE[@]}" verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FaultSuiteIT "${props[@]}" || status=$?
echo
echo "fault suite: ${ROUNDS} kills per corner, $(( $(date +%s) - start )) s, mvn exit $status"
grep -h '^FaultSuiteIT ' target/failsafe-reports/io.sideview.ingest.FaultSuiteIT-output.txt 2>/dev/null || true
exit $status
