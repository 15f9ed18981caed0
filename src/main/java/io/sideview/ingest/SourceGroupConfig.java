package io.sideview.ingest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * A named group of MySQL/MariaDB shards holding the same tables; view bindings name a group.
 *
 * @param flavor {@code mariadb} or {@code mysql}: picks the Debezium connector
 * @param shards one entry per shard; each gets its own capture engine
 * @param copy how history copies read the shards (optional: chunks of 10,000 rows, no rate cap)
 * @param onLostPosition what an engine does when its shard purged the binlog position it needs:
 *                       {@code RECOPY} (default) or {@code WAIT} for an operator
 * @param debezium settings handed to each shard's engine as they are (see {@link DebeziumSettings})
 */
public record SourceGroupConfig(
        @NotNull SourceFlavor flavor,
        @NotEmpty List<@Valid @NotNull ShardConfig> shards,
        @Valid CopyConfig copy,
        LostPosition onLostPosition,
        java.util.Map<String, String> debezium) {

    public SourceGroupConfig {
        shards = shards == null ? null : List.copyOf(shards);
        copy = copy == null ? CopyConfig.DEFAULTS : copy;
        onLostPosition = onLostPosition == null ? LostPosition.RECOPY : onLostPosition;
        debezium = debezium == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(debezium));
    }

    /**
     * Group names reach topic names, file names and metric names; shard names must be unique in their
     * group (offsets and history are kept per group and shard); server ids must be unique across every
     * shard (the source server drops a replica whose id another one uses). Fails start-up with the reason.
     */
    public static void checkIdentities(java.util.Map<String, SourceGroupConfig> groups) {
        java.util.Map<Long, String> serverIds = new java.util.HashMap<>();
        for (var g : groups.entrySet()) {
            if (!g.getKey().matches("[a-z][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("source group name '" + g.getKey() + "' must match [a-z][a-z0-9_]{0,62}");
            }
            DebeziumSettings.check(g.getKey(), g.getValue().debezium());
            java.util.Set<String> names = new java.util.HashSet<>();
            for (ShardConfig shard : g.getValue().shards() == null ? List.<ShardConfig>of() : g.getValue().shards()) {
                if (shard == null) {
                    continue;
                }
                if (!names.add(shard.name())) {
                    throw new IllegalArgumentException("shard name '" + shard.name() + "' appears twice in source group '" + g.getKey() + "'");
                }
                String where = g.getKey() + "/" + shard.name();
                String other = serverIds.putIfAbsent(shard.serverId(), where);
                if (other != null) {
                    throw new IllegalArgumentException("serverId " + shard.serverId() + " is used by both " + other + " and " + where
                            + "; each shard needs its own");
                }
            }
        }
    }
}
