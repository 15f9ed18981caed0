package io.sideview.ingest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * How a source group's history copies read their shards.
 *
 * @param chunkRows rows per chunk: each chunk is one primary-key range read at its own binlog
 *                  position, and a copy resumes after the last chunk done (default 10,000)
 * @param rowsPerSecond a cap on the rows read per second from each shard, to spare a busy source;
 *                      0 (the default) reads as fast as the view applies
 */
public record CopyConfig(@Min(1) @Max(1_000_000) Integer chunkRows, @Min(0) Integer rowsPerSecond) {
    public static final int DEFAULT_CHUNK_ROWS = 10_000;
    public static final CopyConfig DEFAULTS = new CopyConfig(null, null);

    public CopyConfig {
        chunkRows = chunkRows == null ? DEFAULT_CHUNK_ROWS : chunkRows;
        rowsPerSecond = rowsPerSecond == null ? 0 : rowsPerSecond;
    }
}
