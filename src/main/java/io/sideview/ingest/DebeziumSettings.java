package io.sideview.ingest;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A source group's {@code debezium} map, handed to each of its shards' engines as Debezium Server
 * hands its {@code debezium.source.*} settings on (tuning such as {@code max.batch.size},
 * {@code max.queue.size}, {@code connect.timeout.ms}, {@code database.ssl.*}). The keys Sideview
 * sets itself, or whose values its capture depends on, are refused at start-up with the reason:
 * an engine told to snapshot, skip deletes or keep its offsets elsewhere would leave the views
 * silently different from their tables.
 */
public final class DebeziumSettings {
    private DebeziumSettings() {}

    /** A refused key, and every key below it ({@code key.*}), and why. */
    private record Owned(String key, String why) {
        boolean covers(String k) {
            return k.equals(key) || k.startsWith(key + ".");
        }
    }

    private static final List<Owned> OWNED = List.of(
            new Owned("name", "Sideview names each engine after its group and shard"),
            new Owned("connector.class", "the group's flavor picks the connector"),
            new Owned("topic.prefix", "Sideview names each engine after its group and shard"),
            new Owned("database.hostname", "set on the shard entry (host)"),
            new Owned("database.port", "set on the shard entry (port)"),
            new Owned("database.user", "set on the shard entry (user)"),
            new Owned("database.password", "set on the shard entry (password)"),
            new Owned("database.server.id", "set on the shard entry (serverId), unique per shard"),
            new Owned("database.include.list", "the captured tables follow the views' bindings"),
            new Owned("database.exclude.list", "the captured tables follow the views' bindings"),
            new Owned("table.include.list", "the captured tables follow the views' bindings"),
            new Owned("table.exclude.list", "the captured tables follow the views' bindings"),
            new Owned("column.include.list", "a binding reads the columns it names"),
            new Owned("column.exclude.list", "a binding reads the columns it names"),
            new Owned("snapshot", "history comes from Sideview's chunked copy, not a Debezium snapshot"),
            new Owned("offset", "Sideview keeps each engine's offsets (file or Kafka, per wal mode)"),
            new Owned("schema.history.internal", "Sideview keeps each engine's schema history"),
            new Owned("bootstrap.servers", "set from wal.kafka"),
            new Owned("heartbeat.interval.ms", "positions are committed through heartbeats every second"),
            new Owned("skipped.operations", "every insert, update and delete reaches the views"),
            new Owned("event.processing.failure.handling.mode", "an event is never skipped (it becomes a dead letter)"),
            new Owned("inconsistent.schema.handling.mode", "an event is never skipped (it becomes a dead letter)"),
            new Owned("tombstones.on.delete", "the row mapping reads deletes, not tombstones"),
            new Owned("include.schema.changes", "the row mapping reads row events only"),
            new Owned("decimal.handling.mode", "the row mapping reads decimals as doubles"),
            new Owned("bigint.unsigned.handling.mode", "the row mapping reads unsigned bigints as longs"),
            new Owned("time.precision.mode", "the row mapping reads times as the connector's default"),
            new Owned("binary.handling.mode", "the row mapping reads binary columns as the connector's default"),
            new Owned("message.key.columns", "the row mapping reads the tables' primary keys"),
            new Owned("transforms", "the row mapping reads Debezium's own change events"),
            new Owned("predicates", "the row mapping reads Debezium's own change events"),
            new Owned("converter", "the engine's converters are Sideview's"),
            new Owned("key.converter", "the engine's converters are Sideview's"),
            new Owned("value.converter", "the engine's converters are Sideview's"));

    /** Fails with the group, the key and the reason for the first key Sideview owns or that is not a plain key. */
    public static void check(String group, Map<String, String> settings) {
        for (var e : settings.entrySet()) {
            String key = e.getKey();
            if (key == null || !key.matches("[a-z][a-z0-9._-]{0,199}")) {
                throw new IllegalArgumentException("sources." + group + ".debezium: '" + key
                        + "' is not a Debezium setting name ([a-z][a-z0-9._-]*)");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("sources." + group + ".debezium." + key + " has no value");
            }
            for (Owned o : OWNED) {
                if (o.covers(key)) {
                    throw new IllegalArgumentException("sources." + group + ".debezium." + key + " cannot be set: " + o.why());
                }
            }
        }
    }

    /** Puts the settings over Sideview's tuning defaults (the keys it owns were refused by {@link #check}). */
    public static void applyTo(Properties engine, Map<String, String> settings) {
        settings.forEach(engine::setProperty);
    }
}
