package io.sideview.ingest;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * One captured row change, independent of Debezium's record types. {@code op} is Debezium's:
 * r (snapshot read), c (insert), u (update, full before and after images), d (delete).
 */
public record RowChange(String shard, String database, String table, char op, Map<String, Object> before,
                        Map<String, Object> after, BinlogPosition position, boolean snapshot) {
    public RowChange {
        before = before == null ? null : Collections.unmodifiableMap(new HashMap<>(before));
        after = after == null ? null : Collections.unmodifiableMap(new HashMap<>(after));
    }

    /** The edge version of this change (see {@link BinlogPosition}). */
    public long binlogVersion() {
        return snapshot ? position.snapshotVersion() : position.version();
    }
}
