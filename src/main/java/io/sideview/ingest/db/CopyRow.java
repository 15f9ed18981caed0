package io.sideview.ingest.db;

import io.sideview.ingest.CopyStatus;

/**
 * A row of {@code view_backfills}: one view's history copy from one shard. {@code lastKey} is the
 * primary key of the last row of the last chunk done ({@link io.sideview.ingest.ChunkKey}), null
 * before the first; {@code position} the binlog position that chunk was read at; {@code repairAfter}:
 * once done, the view is repaired against the source (the copy follows a lost stream position).
 */
public record CopyRow(long viewId, String shard, CopyStatus status, String position, long rowsCopied, long chunksDone,
                      String lastKey, Long estimate, String error, long startedAt, long updatedAt,
                      boolean repairAfter) {}
