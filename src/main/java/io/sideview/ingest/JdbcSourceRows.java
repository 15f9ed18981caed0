package io.sideview.ingest;

import io.sideview.registry.model.Binding;
import io.sideview.registry.model.ColumnMapping;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SourceRows} over JDBC: one connection per shard, held for the job. Each read opens a
 * read-only consistent snapshot at a known binlog position ({@link TableCopy#beginSnapshot}), reads
 * the rows with one {@code SELECT ... WHERE column IN (...)} and ends the snapshot. Identifiers were
 * validated by the registry as plain SQL identifiers; the backticks are belt and braces.
 */
final class JdbcSourceRows implements SourceRows {
    private final SourceFlavor flavor;
    private final Map<String, ShardConfig> shards = new LinkedHashMap<>();
    private final Binding binding;
    private final Map<String, Connection> open = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService pool;

    JdbcSourceRows(SourceGroupConfig group, Binding binding) {
        this.flavor = group.flavor();
        group.shards().forEach(s -> shards.put(s.name(), s));
        this.binding = binding;
        this.pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, shards.size()), r -> {
            Thread t = new Thread(r, "source-verify-read");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public List<String> shards() {
        return List.copyOf(shards.keySet());
    }

    @Override
    public List<Read> read(String column, List<Object> ids) throws SQLException {
        List<String> columns = binding.columns().stream().map(ColumnMapping::column).toList();
        String sql = "SELECT " + String.join(", ", columns.stream().map(c -> "`" + c + "`").toList()) + " FROM " + table()
                + " WHERE `" + column + "` IN (" + String.join(", ", ids.stream().map(i -> "?").toList()) + ")";
        // Shards are read at once, each on its own connection: a batch costs the slowest shard, not their sum.
        List<java.util.concurrent.Future<Read>> reads = new ArrayList<>(shards.size());
        for (String shard : shards.keySet()) {
            reads.add(pool.submit(() -> read(shard, columns, sql, ids)));
        }
        List<Read> out = new ArrayList<>(shards.size());
        for (java.util.concurrent.Future<Read> f : reads) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while reading the shards", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof SQLException q ? q : new SQLException(e.getCause());
            }
        }
        return out;
    }

    private Read read(String shard, List<String> columns, String sql, List<Object> ids) throws SQLException {
        Connection c = connection(shard);
        List<Map<String, Object>> rows = new ArrayList<>();
        TableCopy.Snapshot at = TableCopy.beginSnapshot(flavor, c);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setObject(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (String col : columns) {
                        row.put(col, TableCopy.asStreamed(rs.getObject(col)));
                    }
                    rows.add(row);
                }
            }
        } finally {
            TableCopy.endSnapshot(c);
        }
        return new Read(shard, at.before(), at.after(), rows);
    }

    @Override
    public List<Object> distinct(String shard, String column, Object after, Object from, Object to, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT DISTINCT `" + column + "` FROM " + table() + " WHERE `" + column + "` IS NOT NULL");
        List<Object> args = new ArrayList<>();
        for (Object[] bound : new Object[][] {{">", after}, {">=", from}, {"<=", to}}) {
            if (bound[1] != null) {
                sql.append(" AND `").append(column).append("` ").append(bound[0]).append(" ?");
                args.add(bound[1]);
            }
        }
        sql.append(" ORDER BY `").append(column).append("` LIMIT ").append(limit);
        List<Object> out = new ArrayList<>();
        try (PreparedStatement ps = connection(shard).prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(TableCopy.asStreamed(rs.getObject(1)));
                }
            }
        }
        return out;
    }

    private String table() {
        return "`" + binding.database() + "`.`" + binding.table() + "`";
    }

    private Connection connection(String shard) throws SQLException {
        Connection c = open.get(shard);
        if (c == null || c.isClosed()) {
            ShardConfig s = shards.get(shard);
            c = DriverManager.getConnection(TableCopy.jdbcUrl(flavor, s), s.user(), s.password() == null ? "" : s.password());
            open.put(shard, c);
        }
        return c;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        for (Connection c : open.values()) {
            try {
                c.close();
            } catch (SQLException e) {
                // Closing a connection the shard already dropped: nothing to release.
            }
        }
        open.clear();
    }
}
