# Sourced by bench/ingest.sh and bench/load.sh: two throwaway MariaDB shards capturing social.friends,
# a local-mode HBase, the packaged service on them and the friends view. Needs ROOT, BENCH, WORK, JAR,
# MARIADBD, MPORTS (the two shard ports), API, ADMIN, JFLAGS, PIDS and PROC (declare -A: name -> pid,
# for the CPU accounting); optional: KAFKA (wal kafka), LANES, CONFIG_TEMPLATE, and the arrays
# SV_JVM_EXTRA and HBASE_JVM_EXTRA (more JVM flags for the service and HBase, e.g. a JFR recording).
SV_JVM_EXTRA=(); HBASE_JVM_EXTRA=()
start_shard() { # dir index
  local d=$1/maria$2 port=${MPORTS[$2]}
  mkdir -p "$d"
  mariadb-install-db --no-defaults --user=root --datadir="$d/data" --auth-root-authentication-method=normal \
    --skip-test-db > "$d/install.log" 2>&1
  # ROW binlog with full images, as Debezium needs; the shard's durability settings are a common
  # production choice (redo log flushed once a second, binlog left to the OS).
  "$MARIADBD" --no-defaults --user=root --datadir="$d/data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" --log-error="$d/error.log" --server-id=$(($2 + 1)) \
    --log-bin="$d/data/binlog" --binlog-format=ROW --binlog-row-image=FULL --expire-logs-days=1 \
    --skip-name-resolve --innodb-buffer-pool-size=128M --innodb-log-file-size=128M \
    --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 --character-set-server=utf8mb4 --max-connections=100 \
    > /dev/null 2>&1 &
  PIDS+=($!); PROC[mariadb-shard$2]=$!
  for _ in $(seq 300); do
    mariadb-admin --no-defaults -uroot --socket="$d/mysqld.sock" ping >/dev/null 2>&1 && break; sleep 0.1
  done
  mariadb --no-defaults -uroot --socket="$d/mysqld.sock" <<EOF
CREATE USER 'cdc'@'127.0.0.1' IDENTIFIED BY 'cdc-secret';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, REPLICA MONITOR, LOCK TABLES ON *.* TO 'cdc'@'127.0.0.1';
EOF
  mariadb --no-defaults -uroot --socket="$d/mysqld.sock" < "$ROOT/docs/examples/friends.sql"
}
start_hbase() { # dir
  local d=$1/hbase
  mkdir -p "$d"
  (cd "$d" && exec java -Xmx${HBASE_HEAP:-1g} "${JFLAGS[@]}" "${HBASE_JVM_EXTRA[@]}" -Dtest.build.data.basedirectory="$d/" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
     -cp "$BENCH/target/classes:$(cat "$WORK/hbase-cp.txt")" io.sideview.bench.HBaseLauncher "$d/zk.port" > "$d/hbase.log" 2>&1) &
  PIDS+=($!); PROC[hbase]=$!
  for _ in $(seq 1800); do [ -s "$d/zk.port" ] && break; kill -0 "${PROC[hbase]}" 2>/dev/null || break; sleep 0.1; done
  [ -s "$d/zk.port" ] || { echo "HBase did not start; log: $d/hbase.log" >&2; tail -30 "$d/hbase.log" >&2; exit 1; }
}
write_config() { # file: config.yml with the two shards as the 'friends' source group
  awk -v p0="${MPORTS[0]}" -v p1="${MPORTS[1]}" '
    /^sources: \{\}/ {
      print "sources:"
      print "  friends:"
      print "    flavor: mariadb"
      print "    shards:"
      print "      - {name: shard0, host: 127.0.0.1, port: " p0 ", user: cdc, password: ${SHARD_PASSWORD:-cdc-secret}, serverId: 5401}"
      print "      - {name: shard1, host: 127.0.0.1, port: " p1 ", user: cdc, password: ${SHARD_PASSWORD:-cdc-secret}, serverId: 5402}"
      next }
    { print }' "${CONFIG_TEMPLATE:-$ROOT/config.yml}" > "$1"
}
SV_PID=""
start_sideview() { # dir storage wal [zk]
  local d=$1 storage=$2 wal=$3 zk=${4:-}
  mkdir -p "$d/sv"
  write_config "$d/sideview.yml"
  env SIDEVIEW_DATA="$d/sv" SIDEVIEW_PORT=$API SIDEVIEW_ADMIN_PORT=$ADMIN SIDEVIEW_BIND=127.0.0.1 SIDEVIEW_ADMIN_BIND=127.0.0.1 \
    SIDEVIEW_ADMIN_TOKENS= SIDEVIEW_READER_TOKENS= SIDEVIEW_STORAGE=$storage SIDEVIEW_WAL=$wal \
    SIDEVIEW_SALT_BUCKETS=$([ "$storage" = hbase ] && echo 16 || echo 0) SIDEVIEW_HBASE_QUORUM=127.0.0.1:${zk:-2181} \
    SIDEVIEW_KAFKA_BOOTSTRAP=127.0.0.1:${KAFKA:-19092} ${LANES:+SIDEVIEW_APPLY_LANES=$LANES} \
    java -Xmx1g "${JFLAGS[@]}" "${SV_JVM_EXTRA[@]}" -jar "$JAR" server "$d/sideview.yml" > "$d/sideview.log" 2>&1 &
  SV_PID=$!; PIDS+=($SV_PID); PROC[sideview]=$SV_PID
  for _ in $(seq 1200); do
    curl -fs "127.0.0.1:$ADMIN/ping" >/dev/null 2>&1 && return 0
    kill -0 $SV_PID 2>/dev/null || break
    sleep 0.1
  done
  echo "Sideview did not start; log: $d/sideview.log" >&2; tail -30 "$d/sideview.log" >&2; exit 1
}
create_view() { # dir
  local code
  code=$(curl -s -o "$1/view.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary @"$ROOT/docs/examples/friends-view.json" "127.0.0.1:$API/api/v1/views")
  [ "$code" = 201 ] || { echo "creating the view answered $code: $(cat "$1/view.json")" >&2; exit 1; }
  for _ in $(seq 1200); do
    curl -fs "127.0.0.1:$API/api/v1/ingest/status" > "$1/status.json" 2>/dev/null || true
    if [ "$(jq '[.shards[] | select(.state == "STREAMING" and (.backfills | to_entries | all(.value | startswith("DONE"))) and (.backfills | length) > 0)] | length' "$1/status.json" 2>/dev/null)" = 2 ]; then
      return 0
    fi
    sleep 0.25
  done
  echo "the shards did not reach STREAMING: $(cat "$1/status.json")" >&2; exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }
HZ=$(getconf CLK_TCK)
