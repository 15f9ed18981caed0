package io.sideview.ingest;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/** Debezium's Connect records → {@link RowChange}; null for records that carry no row (tombstones, heartbeats). */
final class SourceRecords {
    private SourceRecords() {}

    static RowChange toChange(String shard, SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return null;
        }
        String op = value.getString("op");
        Struct source = value.getStruct("source");
        String file = source.getString("file");
        Long pos = source.getInt64("pos");
        Integer row = source.schema().field("row") == null ? null : source.getInt32("row");
        BinlogPosition position = new BinlogPosition(file, pos == null ? 0 : pos, row == null ? 0 : row);
        return new RowChange(shard, source.getString("db"), source.getString("table"), op.charAt(0),
                row(value.getStruct("before")), row(value.getStruct("after")), position, op.equals("r"));
    }

    static Long sourceMillis(SourceRecord record) {
        if (record.value() instanceof Struct value && value.schema().field("source") != null) {
            Struct source = value.getStruct("source");
            return source == null ? null : source.getInt64("ts_ms");
        }
        return null;
    }

    private static Map<String, Object> row(Struct s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> out = new HashMap<>();
        for (Field f : s.schema().fields()) {
            out.put(f.name(), s.get(f));
        }
        return out;
    }
}
