package io.sideview.storage.hbase;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Map;

/**
 * How to reach HBase when {@code storage.type} is {@code hbase}.
 *
 * @param zookeeperQuorum ZooKeeper quorum of the HBase cluster as comma-separated {@code host:port}
 *     entries (default {@code 127.0.0.1:2181}, a local standalone HBase); becomes
 *     {@code hbase.zookeeper.quorum}
 * @param table table holding the view records, optionally {@code namespace:table} (default
 *     {@code sideview_records}); created with its namespace on first open if missing
 * @param regions regions to pre-split a newly created table into, on the first key byte (the salt byte
 *     when salting is on), 1..256 (default 16); ignored when the table already exists
 * @param readsInFlight lanes of the query path's point reads (default 1), each with one shared
 *     multi-get in flight: a key always takes the same lane, and reads that arrive while its lane's
 *     multi-get runs go together in the next one; equal scans asked meanwhile run once. Every answer
 *     is still read after its caller asked. 0 sends every read on its own. More lanes serve scattered
 *     reads in parallel (HBase serves one multi-get on one handler thread) at more round trips
 * @param properties extra HBase client settings copied into the client {@code Configuration} after the
 *     quorum, e.g. {@code hbase.client.operation.timeout} (default none)
 */
public record HBaseConfig(
        @NotBlank String zookeeperQuorum,
        @NotBlank
        @Pattern(regexp = TABLE_NAME, message = "must be an HBase table name ([namespace:]name of A-Za-z0-9_.-)")
        String table,
        @NotNull @Min(1) @Max(256) Integer regions,
        @NotNull @Min(0) @Max(256) Integer readsInFlight,
        @NotNull Map<String, String> properties) {

    /** HBase's rules: namespace of word characters; a qualifier of word characters, '.' and '-' not starting with '.' or '-'. */
    public static final String TABLE_NAME = "([A-Za-z0-9_]+:)?[A-Za-z0-9_][A-Za-z0-9_.-]*";

    public HBaseConfig {
        zookeeperQuorum = zookeeperQuorum == null ? "127.0.0.1:2181" : zookeeperQuorum;
        table = table == null ? "sideview_records" : table;
        regions = regions == null ? 16 : regions;
        readsInFlight = readsInFlight == null ? 1 : readsInFlight;
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    public static HBaseConfig defaults() {
        return new HBaseConfig(null, null, null, null, null);
    }
}
