package io.sideview.cluster.api;

import io.sideview.ingest.api.WalConsumerStatus;
import java.util.List;

/**
 * {@code GET /api/v1/cluster}: every node registered in the metadata DB, each configured shard with the
 * node running its engine, the WAL partitions with the node applying each, and the answering node's
 * name and WAL consumer (wal: kafka; null otherwise).
 */
public record ClusterStatus(String self, List<ClusterNode> nodes, List<ShardPlacement> shards,
                            List<PartitionPlacement> partitions, WalConsumerStatus walConsumer) {}
