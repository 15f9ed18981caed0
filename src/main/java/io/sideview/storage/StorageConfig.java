package io.sideview.storage;

import io.sideview.storage.hbase.HBaseConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Where view records live.
 *
 * @param type {@code rocksdb} (embedded, the default) or {@code hbase}
 * @param dataDir directory for embedded data (RocksDB files under {@code records/}, the cursor key and,
 *                by default, the H2 metadata DB)
 * @param saltBuckets 0 for no salt (fine for RocksDB); 1..256 prefixes every key with a hash byte of
 *                    its node so nodes spread over HBase regions. Fixed for the life of the data.
 * @param applyLanes single-writer apply threads; every (view, side, node) always uses the same one
 * @param countCacheRows committed count rows the apply lanes keep in memory, over all lanes (about 150
 *                       bytes each); each one saves a storage read when its node side changes again
 * @param stateCacheRows state rows (one per edge and side) the apply lanes keep in memory, over all
 *                       lanes, under the node sides whose count rows they keep (the stored bytes,
 *                       about 200 bytes each); each one saves a storage read when its edge changes again
 * @param hbase how to reach HBase when {@code type} is hbase
 */
public record StorageConfig(
        @NotBlank @Pattern(regexp = "rocksdb|hbase", message = "must be rocksdb or hbase") String type,
        @NotBlank String dataDir,
        @NotNull @Min(0) @Max(256) Integer saltBuckets,
        @NotNull @Min(1) @Max(256) Integer applyLanes,
        @NotNull @Min(0) @Max(100_000_000) Integer countCacheRows,
        @NotNull @Min(0) @Max(100_000_000) Integer stateCacheRows,
        @Valid @NotNull HBaseConfig hbase) {

    public StorageConfig {
        type = type == null ? "rocksdb" : type;
        dataDir = dataDir == null ? "./data" : dataDir;
        saltBuckets = saltBuckets == null ? 0 : saltBuckets;
        applyLanes = applyLanes == null ? Math.max(2, Runtime.getRuntime().availableProcessors()) : applyLanes;
        countCacheRows = countCacheRows == null ? DEFAULT_COUNT_CACHE_ROWS : countCacheRows;
        stateCacheRows = stateCacheRows == null ? DEFAULT_STATE_CACHE_ROWS : stateCacheRows;
        hbase = hbase == null ? HBaseConfig.defaults() : hbase;
    }

    public static final int DEFAULT_COUNT_CACHE_ROWS = 262_144;
    public static final int DEFAULT_STATE_CACHE_ROWS = 262_144;

    public static StorageConfig defaults() {
        return new StorageConfig(null, null, null, null, null, null, null);
    }
}
