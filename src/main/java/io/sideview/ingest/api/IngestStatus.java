package io.sideview.ingest.api;

import java.util.List;

/** Every shard of every source group, and the WAL mode. */
public record IngestStatus(String wal, List<ShardStatus> shards, long pendingDeadLetters) {}
