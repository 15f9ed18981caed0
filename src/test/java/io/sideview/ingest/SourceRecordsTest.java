package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Debezium's records, built by hand in the shape the MySQL/MariaDB connectors give them (an envelope of
 * before, after, source and op; the source block names binlog file, position and row), so the mapping
 * is checked without a database.
 */
class SourceRecordsTest {
    private static final Schema ROW = SchemaBuilder.struct().name("shard1.app.friendships.Value")
            .field("id", Schema.INT64_SCHEMA)
            .field("user_id", Schema.INT64_SCHEMA)
            .field("friend_id", Schema.INT64_SCHEMA)
            .field("nick", Schema.OPTIONAL_STRING_SCHEMA)
            .field("fav", Schema.OPTIONAL_INT16_SCHEMA)
            .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .optional().build();

    private static final Schema SOURCE = source(true);

    private static final Schema ENVELOPE = envelope(SOURCE);

    private static Schema source(boolean withRow) {
        SchemaBuilder b = SchemaBuilder.struct().name("io.debezium.connector.mysql.Source")
                .field("version", Schema.STRING_SCHEMA)
                .field("connector", Schema.STRING_SCHEMA)
                .field("name", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.INT64_SCHEMA)
                .field("snapshot", SchemaBuilder.string().optional().defaultValue("false").build())
                .field("db", Schema.STRING_SCHEMA)
                .field("table", Schema.OPTIONAL_STRING_SCHEMA)
                .field("server_id", Schema.INT64_SCHEMA)
                .field("file", Schema.STRING_SCHEMA)
                .field("pos", Schema.INT64_SCHEMA);
        if (withRow) {
            b.field("row", Schema.INT32_SCHEMA);
        }
        return b.build();
    }

    private static Schema envelope(Schema source) {
        return SchemaBuilder.struct().name("shard1.app.friendships.Envelope")
                .field("before", ROW)
                .field("after", ROW)
                .field("source", source)
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    private static Struct row(long id, long user, long friend, String nick) {
        return new Struct(ROW).put("id", id).put("user_id", user).put("friend_id", friend).put("nick", nick)
                .put("fav", (short) 1).put("score", 2.5);
    }

    private static Struct sourceBlock(Schema schema, String file, long pos, Integer row, String snapshot) {
        Struct s = new Struct(schema).put("version", "3.5.0.Final").put("connector", "mariadb").put("name", "shard1")
                .put("ts_ms", 1_765_000_000_000L).put("snapshot", snapshot).put("db", "app").put("table", "friendships")
                .put("server_id", 1L).put("file", file).put("pos", pos);
        if (row != null) {
            s.put("row", row);
        }
        return s;
    }

    private static SourceRecord record(Schema schema, Struct value) {
        return new SourceRecord(Map.of("server", "shard1"), Map.of("file", "binlog.000003", "pos", 0L),
                "shard1.app.friendships", null, null, null, schema, value);
    }

    private static SourceRecord change(String op, Struct before, Struct after, String file, long pos, int row, String snapshot) {
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after).put("op", op)
                .put("source", sourceBlock(SOURCE, file, pos, row, snapshot)).put("ts_ms", 1_765_000_000_100L);
        return record(ENVELOPE, value);
    }

    @Test
    void anInsertCarriesItsAfterImageAndWhereItSitsInTheBinlog() {
        RowChange c = SourceRecords.toChange("shard1", change("c", null, row(1, 10, 20, "bob"), "binlog.000003", 1234, 2, "false"));
        assertThat(c.shard()).isEqualTo("shard1");
        assertThat(c.database()).isEqualTo("app");
        assertThat(c.table()).isEqualTo("friendships");
        assertThat(c.op()).isEqualTo('c');
        assertThat(c.before()).isNull();
        assertThat(c.after()).containsOnlyKeys("id", "user_id", "friend_id", "nick", "fav", "score")
                .containsEntry("id", 1L).containsEntry("user_id", 10L).containsEntry("friend_id", 20L)
                .containsEntry("nick", "bob").containsEntry("fav", (short) 1).containsEntry("score", 2.5);
        assertThat(c.position()).isEqualTo(new BinlogPosition("binlog.000003", 1234, 2));
        assertThat(c.snapshot()).isFalse();
        assertThat(c.binlogVersion()).isEqualTo(new BinlogPosition("binlog.000003", 1234, 2).version());
    }

    @Test
    void anUpdateCarriesBothImages() {
        RowChange c = SourceRecords.toChange("shard1",
                change("u", row(1, 10, 20, "bob"), row(1, 10, 21, null), "binlog.000004", 99, 0, "false"));
        assertThat(c.op()).isEqualTo('u');
        assertThat(c.before()).containsEntry("friend_id", 20L).containsEntry("nick", "bob");
        // A NULL column is a key with a null value, not a missing key: the mapper tells NULL from unmapped.
        assertThat(c.after()).containsEntry("friend_id", 21L).containsKey("nick").containsEntry("nick", null);
    }

    @Test
    void aDeleteCarriesItsBeforeImageOnly() {
        RowChange c = SourceRecords.toChange("shard1", change("d", row(1, 10, 20, "bob"), null, "binlog.000004", 500, 1, "false"));
        assertThat(c.op()).isEqualTo('d');
        assertThat(c.before()).containsEntry("user_id", 10L);
        assertThat(c.after()).isNull();
        assertThat(c.binlogVersion()).isEqualTo(new BinlogPosition("binlog.000004", 500, 1).version());
    }

    /** Only op r is a copied row (snapshot version); the source's snapshot flag is not what decides. */
    @ParameterizedTest
    @CsvSource({"r, true, true", "r, last, true", "c, false, false", "c, true, false", "u, false, false"})
    void aReadIsASnapshotRowVersionedJustBelowItsPosition(String op, String sourceSnapshot, boolean snapshot) {
        Struct before = op.equals("u") ? row(1, 10, 20, "bob") : null;
        RowChange c = SourceRecords.toChange("shard1", change(op, before, row(1, 10, 20, "bob"), "binlog.000007", 4000, 3, sourceSnapshot));
        BinlogPosition at = new BinlogPosition("binlog.000007", 4000, 3);
        assertThat(c.snapshot()).isEqualTo(snapshot);
        assertThat(c.binlogVersion()).isEqualTo(snapshot ? at.snapshotVersion() : at.version());
    }

    @Test
    void aSourceWithoutARowFieldIsRowZero() {
        Schema source = source(false);
        Schema envelope = envelope(source);
        Struct value = new Struct(envelope).put("after", row(1, 10, 20, "bob")).put("op", "c")
                .put("source", sourceBlock(source, "binlog.000002", 77, null, "false"));
        RowChange c = SourceRecords.toChange("shard2", record(envelope, value));
        assertThat(c.position()).isEqualTo(new BinlogPosition("binlog.000002", 77, 0));
        assertThat(c.shard()).isEqualTo("shard2");
    }

    @Test
    void anOperationTheMapperDoesNotKnowIsPassedOnForItToDeadLetter() {
        // A TRUNCATE: no images. The mapper answers "unknown operation 't'", so it is not lost silently.
        RowChange c = SourceRecords.toChange("shard1", change("t", null, null, "binlog.000003", 10, 0, "false"));
        assertThat(c.op()).isEqualTo('t');
        assertThat(c.before()).isNull();
        assertThat(c.after()).isNull();
    }

    @Test
    void aTombstoneCarriesNoRow() {
        // Debezium follows a delete with a tombstone (null value) for Kafka log compaction.
        SourceRecord tombstone = new SourceRecord(Map.of(), Map.of(), "shard1.app.friendships", null, null, null, null, null);
        assertThat(SourceRecords.toChange("shard1", tombstone)).isNull();
        assertThat(SourceRecords.sourceMillis(tombstone)).isNull();
    }

    @Test
    void aHeartbeatCarriesNoRow() {
        Schema heartbeat = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        SourceRecord record = record(heartbeat, new Struct(heartbeat).put("ts_ms", 1_765_000_000_000L));
        assertThat(SourceRecords.toChange("shard1", record)).isNull();
        assertThat(SourceRecords.sourceMillis(record)).isNull();
    }

    @Test
    void aSchemaChangeEventCarriesNoRow() {
        Schema ddl = SchemaBuilder.struct().name("io.debezium.connector.mysql.SchemaChangeValue")
                .field("source", SOURCE).field("databaseName", Schema.OPTIONAL_STRING_SCHEMA)
                .field("ddl", Schema.OPTIONAL_STRING_SCHEMA).build();
        Struct value = new Struct(ddl).put("source", sourceBlock(SOURCE, "binlog.000003", 10, 0, "false"))
                .put("databaseName", "app").put("ddl", "ALTER TABLE friendships ADD COLUMN x INT");
        SourceRecord record = record(ddl, value);
        assertThat(SourceRecords.toChange("shard1", record)).isNull();
        // It still tells how far behind the shard the stream is.
        assertThat(SourceRecords.sourceMillis(record)).isEqualTo(1_765_000_000_000L);
    }

    @Test
    void aValueThatIsNotAStructCarriesNoRow() {
        SourceRecord record = new SourceRecord(Map.of(), Map.of(), "t", null, null, null, Schema.STRING_SCHEMA, "text");
        assertThat(SourceRecords.toChange("shard1", record)).isNull();
        assertThat(SourceRecords.sourceMillis(record)).isNull();
    }

    @Test
    void sourceMillisIsTheSourceTimestampNotTheEnvelopes() {
        assertThat(SourceRecords.sourceMillis(change("c", null, row(1, 10, 20, "x"), "binlog.000003", 1, 0, "false")))
                .isEqualTo(1_765_000_000_000L);
    }

    @Test
    void theImagesAreCopiesThatTheRecordCannotChangeLater() {
        Struct after = row(1, 10, 20, "bob");
        RowChange c = SourceRecords.toChange("shard1", change("c", null, after, "binlog.000003", 1, 0, "false"));
        after.put("nick", "eve");
        assertThat(c.after()).containsEntry("nick", "bob");
    }
}
