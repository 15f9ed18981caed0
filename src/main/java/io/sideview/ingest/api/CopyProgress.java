package io.sideview.ingest.api;

import io.sideview.ingest.CopyStatus;
import java.time.Instant;

/**
 * One view's history copy from one shard, as recorded in the metadata DB: chunks and rows done (a
 * resumed copy continues after them), the row estimate, the binlog position of the last chunk done,
 * and the error of a failed copy. {@code storageId}: the generation copied into (the view's own, or
 * the one a replay builds).
 */
public record CopyProgress(String view, long viewId, long storageId, String shard, CopyStatus status, long chunksDone, long rowsCopied,
                           Long estimate, String position, String error, Instant startedAt, Instant updatedAt) {}
