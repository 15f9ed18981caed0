package io.sideview.ingest;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The rows of one bound table on the shards of its source group, as a source verify reads them:
 * read only, no locks, one consistent snapshot per shard and read.
 */
interface SourceRows extends AutoCloseable {

    /**
     * One read on one shard: the binlog position recorded before the snapshot ({@code before}: the rows'
     * version is v(before) - 1, every later change is at v(before) or above) and once the snapshot was
     * taken ({@code after}: the snapshot shows nothing past it), and the rows, column name to value as
     * the stream would carry them.
     */
    record Read(String shard, BinlogPosition before, BinlogPosition after, List<Map<String, Object>> rows) {}

    List<String> shards();

    /** On every shard, in one consistent snapshot each: the rows whose {@code column} is one of {@code ids}. */
    List<Read> read(String column, List<Object> ids) throws SQLException;

    /**
     * The distinct values of {@code column} on {@code shard} above {@code after} (null: from the first),
     * within [{@code from}, {@code to}] (null: open), ascending, at most {@code limit}: keyset paging.
     */
    List<Object> distinct(String shard, String column, Object after, Object from, Object to, int limit) throws SQLException;

    @Override
    void close();
}
