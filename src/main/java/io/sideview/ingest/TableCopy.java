package io.sideview.ingest;

import io.sideview.registry.model.Binding;
import io.sideview.registry.model.ColumnMapping;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the existing rows of a bound table from one shard (design §7, §11), read-only and without
 * locks: in primary-key chunks, each read by one statement after recording the binlog end position
 * P_i, so its rows get version {@code v(P_i) - 1}, below every change at or after P_i. The engine is
 * already streaming from before P_i, so a row changed during the copy converges to its latest state
 * whatever the arrival order. {@link HistoryCopy} drives the chunks and records the progress.
 */
final class TableCopy {
    static final int BATCH = 1000;

    private TableCopy() {}

    /**
     * MySQL shards through MySQL's own driver (its authentication plugins), MariaDB through MariaDB's.
     * {@code tinyInt1isBit=false}: a TINYINT(1) is read as the number Debezium streams, not a Boolean.
     */
    static String jdbcUrl(SourceFlavor flavor, ShardConfig shard) {
        return flavor.jdbcScheme + shard.host() + ":" + shard.port()
                + "/?tinyInt1isBit=false";
    }

    /** A read-only connection to the shard (the driver then refuses any write, belt and braces). */
    static Connection connect(SourceFlavor flavor, ShardConfig shard) throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl(flavor, shard), shard.user(),
                shard.password() == null ? "" : shard.password());
        c.setReadOnly(true);
        return c;
    }

    /** A copied value as the stream would carry it (Debezium runs with decimal.handling.mode=double). */
    static Object asStreamed(Object v) {
        return v instanceof java.math.BigDecimal d ? (Object) d.doubleValue() : v;
    }

    /**
     * The binlog end position. MySQL 8.4 removed SHOW MASTER STATUS in favour of SHOW BINARY LOG STATUS
     * (8.2+); MariaDB and older MySQL know only the former, so MySQL tries the new one first.
     */
    static BinlogPosition currentPosition(SourceFlavor flavor, Connection c) throws SQLException {
        if (flavor == SourceFlavor.MYSQL) {
            try {
                return position(c, "SHOW BINARY LOG STATUS");
            } catch (SQLException older) {
                // MySQL before 8.2: fall through to SHOW MASTER STATUS.
            }
        }
        return position(c, "SHOW MASTER STATUS");
    }

    /**
     * A read-only consistent snapshot open on a connection: {@code before}, the version base of the
     * rows read in it (they get {@code v(before) - 1}); {@code after}, a position whose changes are
     * all visible in it (a reader waits for the view to have applied the shard up to there).
     */
    record Snapshot(BinlogPosition before, BinlogPosition after) {}

    /**
     * Opens a read-only consistent snapshot on {@code c} (end it with {@link #endSnapshot}) and says
     * which binlog position its rows are at. A transaction is written to the binlog before InnoDB
     * commits it, so a position read with SHOW MASTER STATUS can be past a transaction that a read
     * started just after does not see yet: its row would be read as it was before, at {@code v(P) - 1},
     * above that transaction's own streamed version, and the stale copy would win (a restored edge
     * lost, a soft-deleted one back). MariaDB (and Percona Server) report the binlog position of the
     * snapshot itself ({@code binlog_snapshot_file/position}, taken under the lock that orders
     * commits): every change before it is visible, none after, so {@code before = after} is exact.
     * MySQL has no such position: there the position is read before the snapshot and again inside it,
     * and that window remains (docs/architecture.md, known gaps).
     */
    static Snapshot beginSnapshot(SourceFlavor flavor, Connection c) throws SQLException {
        BinlogPosition before = flavor == SourceFlavor.MARIADB ? null : currentPosition(flavor, c);
        try (Statement s = c.createStatement()) {
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            try {
                return snapshotPosition(flavor, c, s, before);
            } catch (SQLException | RuntimeException e) {
                // Not left open on a connection that is used again (a verify holds its connections).
                try {
                    s.execute("COMMIT");
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    /** The open snapshot's position: MariaDB's own, else {@code before} (read outside it) and the position now. */
    private static Snapshot snapshotPosition(SourceFlavor flavor, Connection c, Statement s, BinlogPosition before)
            throws SQLException {
        String file = null;
        long pos = -1;
        try (ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
            while (rs.next()) {
                if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_file")) {
                    file = rs.getString(2);
                } else if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_position")) {
                    pos = Long.parseLong(rs.getString(2));
                }
            }
        }
        if (file != null && !file.isEmpty() && pos >= 0) {
            BinlogPosition exact = new BinlogPosition(java.nio.file.Path.of(file).getFileName().toString(), pos, 0);
            return new Snapshot(exact, exact);
        }
        if (before == null) {
            // A MariaDB without the snapshot position (binlog off, say): read it from outside, as MySQL.
            s.execute("COMMIT");
            before = currentPosition(flavor, c);
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
        }
        return new Snapshot(before, currentPosition(flavor, c));
    }

    /** Ends the snapshot {@link #beginSnapshot} opened. */
    static void endSnapshot(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("COMMIT");
        }
    }

    private static BinlogPosition position(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("binary logging is off: " + sql + " returned nothing");
            }
            return new BinlogPosition(rs.getString(1), rs.getLong(2), 0);
        }
    }

    /**
     * Rows to expect, for a job's progress: the server's statistics, or an exact COUNT(*) when they say
     * the table is small (fresh InnoDB statistics lag behind, and counting a small table is cheap).
     */
    static long estimateRows(Connection c, Binding binding) throws SQLException {
        try (var ps = c.prepareStatement("SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, binding.database());
            ps.setString(2, binding.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) >= 100_000) {
                    return rs.getLong(1);
                }
            }
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + quote(binding.database()) + "." + quote(binding.table()))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The table's primary key columns in key order; empty when it has none. */
    static List<String> primaryKey(Connection c, Binding binding) throws SQLException {
        try (var ps = c.prepareStatement("""
                SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
                WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION""")) {
            ps.setString(1, binding.database());
            ps.setString(2, binding.table());
            List<String> key = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
            return key;
        }
    }

    /** One chunk: its rows as snapshot changes at {@code at}, and the key of its last row (null when empty). */
    record Chunk(BinlogPosition at, List<RowChange> rows, List<Object> lastKey) {}

    /**
     * Reads the next chunk of a table with a primary key: up to {@code limit} rows after {@code after}
     * (null: from the start) in key order, in one consistent snapshot ({@link #beginSnapshot}) at a
     * binlog position: every change after it is streamed too, so each row converges whatever the order
     * (its copy gets version v(at) - 1).
     */
    static Chunk readChunk(SourceFlavor flavor, Connection c, String shard, Binding binding, List<String> key,
                           List<Object> after, int limit) throws SQLException {
        List<String> columns = binding.columns().stream().map(ColumnMapping::column).toList();
        List<String> selected = new ArrayList<>(columns);
        key.stream().filter(k -> !selected.contains(k)).forEach(selected::add);
        // Identifiers were validated by the registry (or read from information_schema); backticks are belt and braces.
        StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", selected.stream().map(TableCopy::quote).toList()))
                .append(" FROM ").append(quote(binding.database())).append('.').append(quote(binding.table()));
        if (after != null) {
            sql.append(" WHERE ").append(after(key));
        }
        sql.append(" ORDER BY ").append(String.join(", ", key.stream().map(TableCopy::quote).toList())).append(" LIMIT ?");
        BinlogPosition at = beginSnapshot(flavor, c).before();
        try (var ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            if (after != null) {
                // (k1 > ?) OR (k1 = ? AND k2 > ?) OR ...: the keyset condition, bound once per use.
                for (int i = 0; i < key.size(); i++) {
                    for (int j = 0; j <= i; j++) {
                        ps.setObject(p++, after.get(j));
                    }
                }
            }
            ps.setInt(p, limit);
            List<RowChange> rows = new ArrayList<>();
            List<Object> last = null;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new RowChange(shard, binding.database(), binding.table(), 'r', null, row(rs, columns), at, true));
                    last = new ArrayList<>(key.size());
                    for (String k : key) {
                        last.add(rs.getObject(k));
                    }
                }
            }
            return new Chunk(at, rows, last);
        } finally {
            endSnapshot(c);
        }
    }

    /** {@code (k1 > ?) OR (k1 = ? AND k2 > ?) OR ...}: rows after a key, in a form every server's range optimizer takes. */
    static String after(List<String> key) {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            List<String> parts = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                parts.add(quote(key.get(j)) + " = ?");
            }
            parts.add(quote(key.get(i)) + " > ?");
            terms.add("(" + String.join(" AND ", parts) + ")");
        }
        return "(" + String.join(" OR ", terms) + ")";
    }

    /**
     * A table without a primary key cannot be cut into ranges: it is streamed whole by one statement
     * in one consistent snapshot, in batches to {@code sink}; a crash redoes it.
     */
    static Whole copyWhole(SourceFlavor flavor, Connection c, String shard, Binding binding, BatchSink sink) throws SQLException {
        List<String> columns = binding.columns().stream().map(ColumnMapping::column).toList();
        String sql = "SELECT " + String.join(", ", columns.stream().map(TableCopy::quote).toList())
                + " FROM " + quote(binding.database()) + "." + quote(binding.table());
        long copied = 0;
        BinlogPosition at = beginSnapshot(flavor, c).before();
        try (Statement s = c.createStatement()) {
            s.setFetchSize(BATCH);
            try (ResultSet rs = s.executeQuery(sql)) {
                List<RowChange> batch = new ArrayList<>(BATCH);
                while (rs.next()) {
                    batch.add(new RowChange(shard, binding.database(), binding.table(), 'r', null, row(rs, columns), at, true));
                    if (batch.size() == BATCH) {
                        sink.accept(batch);
                        copied += batch.size();
                        batch = new ArrayList<>(BATCH);
                    }
                }
                if (!batch.isEmpty()) {
                    sink.accept(batch);
                    copied += batch.size();
                }
            }
        } finally {
            endSnapshot(c);
        }
        return new Whole(at, copied);
    }

    /** A whole-table copy: the position its rows were read at, and how many. */
    record Whole(BinlogPosition at, long rows) {}

    private static Map<String, Object> row(ResultSet rs, List<String> columns) throws SQLException {
        Map<String, Object> row = new HashMap<>();
        for (String col : columns) {
            row.put(col, asStreamed(rs.getObject(col)));
        }
        return row;
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @FunctionalInterface
    interface BatchSink {
        void accept(List<RowChange> rows);
    }
}
