package io.sideview.ingest.api;

import java.util.List;

/** Every shard of every source group, the WAL mode and, with wal: kafka, the applying consumer (else null). */
public record IngestStatus(String wal, List<ShardStatus> shards, long pendingDeadLetters, WalConsumerStatus walConsumer) {}
