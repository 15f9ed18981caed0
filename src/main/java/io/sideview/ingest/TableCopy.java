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
import java.util.function.LongConsumer;

/**
 * Copies the existing rows of a bound table from one shard (design §7), read-only: record the binlog
 * end position P, then stream the table with one consistent SELECT. Every copied row gets version
 * {@code v(P) - 1}, below every change at or after P, and the engine is already streaming from before P,
 * so a row changed during the copy converges to its latest state whatever the arrival order. Only the
 * view being backfilled receives the rows: tables already captured are never copied again.
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
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM `" + binding.database() + "`.`" + binding.table() + "`")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Streams the rows to {@code sink} in batches; returns the number copied. The expected row count
     * goes to {@code total} first, read in the same consistent snapshot as the rows (so a small table's
     * total is exactly what is copied).
     */
    static long copy(SourceFlavor flavor, ShardConfig shard, Binding binding, BinlogPosition at, BatchSink sink, LongConsumer total,
                     LongConsumer progress) throws SQLException {
        List<String> columns = binding.columns().stream().map(ColumnMapping::column).toList();
        // Identifiers were validated by the registry as plain SQL identifiers; backticks are belt and braces.
        String sql = "SELECT " + String.join(", ", columns.stream().map(c -> "`" + c + "`").toList())
                + " FROM `" + binding.database() + "`.`" + binding.table() + "`";
        long copied = 0;
        try (Connection c = DriverManager.getConnection(jdbcUrl(flavor, shard), shard.user(), shard.password() == null ? "" : shard.password());
             Statement s = c.createStatement()) {
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            total.accept(estimateRows(c, binding));
            s.setFetchSize(BATCH);
            try (ResultSet rs = s.executeQuery(sql)) {
                List<RowChange> batch = new ArrayList<>(BATCH);
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (String col : columns) {
                        row.put(col, asStreamed(rs.getObject(col)));
                    }
                    batch.add(new RowChange(shard.name(), binding.database(), binding.table(), 'r', null, row, at, true));
                    if (batch.size() == BATCH) {
                        sink.accept(batch);
                        copied += batch.size();
                        progress.accept(copied);
                        batch = new ArrayList<>(BATCH);
                    }
                }
                if (!batch.isEmpty()) {
                    sink.accept(batch);
                    copied += batch.size();
                    progress.accept(copied);
                }
            }
            s.execute("COMMIT");
        }
        return copied;
    }

    @FunctionalInterface
    interface BatchSink {
        void accept(List<RowChange> rows);
    }
}
