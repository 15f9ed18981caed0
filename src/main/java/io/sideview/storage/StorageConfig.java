package io.sideview.storage;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * Where view records live.
 *
 * @param type {@code rocksdb} (embedded, the default) or {@code hbase}
 * @param dataDir directory for embedded data (RocksDB files and, by default, the H2 metadata DB)
 */
public record StorageConfig(
        @NotBlank @Pattern(regexp = "rocksdb|hbase", message = "must be rocksdb or hbase") String type,
        @NotBlank String dataDir) {

    public StorageConfig {
        type = type == null ? "rocksdb" : type;
        dataDir = dataDir == null ? "./data" : dataDir;
    }

    public static StorageConfig defaults() {
        return new StorageConfig("rocksdb", "./data");
    }
}
