package io.sideview.ingest;

import io.dropwizard.testing.ConfigOverride;
import io.sideview.storage.hbase.MiniHBase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The deployment matrix every CDC guarantee is tested on: view storage (RocksDB, HBase) × WAL (none:
 * applied in process; kafka: published and consumed through a real broker). Settings are computed
 * when asked, so the mini cluster and the broker start only for the corners that need them.
 */
public enum Corner {
    ROCKSDB_NONE(false, false), ROCKSDB_KAFKA(false, true), HBASE_NONE(true, false), HBASE_KAFKA(true, true);

    final boolean hbase;
    final boolean kafka;

    Corner(boolean hbase, boolean kafka) {
        this.hbase = hbase;
        this.kafka = kafka;
    }

    /** Configuration keys (as Dropwizard overrides them) and values for this corner, with fresh table and topic names. */
    public Map<String, String> settings() {
        return settings(KafkaBroker::bootstrapServers);
    }

    /** The same with the WAL on another broker (one a test may stop): asked only on the kafka corners. */
    public Map<String, String> settings(Supplier<String> kafkaBootstrapServers) {
        Map<String, String> s = new LinkedHashMap<>();
        String suffix = name().toLowerCase() + "_" + System.nanoTime();
        if (kafka) {
            s.put("wal.mode", "kafka");
            s.put("wal.kafka.bootstrapServers", kafkaBootstrapServers.get());
            s.put("wal.kafka.topic", "wal-" + suffix);
            s.put("wal.kafka.partitions", "4");
            s.put("wal.kafka.offsetsTopic", "offsets-" + suffix);
            s.put("wal.kafka.consumerGroup", "sideview-" + suffix);
        }
        if (hbase) {
            s.put("storage.type", "hbase");
            s.put("storage.saltBuckets", "16");
            s.put("storage.hbase.zookeeperQuorum", MiniHBase.quorum());
            s.put("storage.hbase.table", "cdc_" + suffix);
            s.put("storage.hbase.regions", "4");
        }
        return s;
    }

    /** The settings for a service started in this JVM. */
    public static ConfigOverride[] overrides(Map<String, String> settings) {
        return settings.entrySet().stream().map(e -> ConfigOverride.config(e.getKey(), e.getValue()))
                .toArray(ConfigOverride[]::new);
    }

    /** The settings for a service in a child JVM: Dropwizard reads {@code -Ddw.<key>=<value>}. */
    static List<String> jvmArgs(Map<String, String> settings) {
        return settings.entrySet().stream().map(e -> "-Ddw." + e.getKey() + "=" + e.getValue()).toList();
    }
}
