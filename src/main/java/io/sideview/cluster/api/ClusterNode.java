package io.sideview.cluster.api;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code cluster_nodes}. {@code alive}: its heartbeat is at most {@code cluster.nodeTimeout}
 * old. {@code shards} and {@code partitions}: what it ran at its last heartbeat (for the answering node,
 * what it runs now); null when the node's version does not publish them.
 */
public record ClusterNode(String name, String instance, String address, String storage, String wal,
                          Instant startedAt, Instant lastHeartbeat, long heartbeatAgeMs, boolean alive, boolean self,
                          List<String> shards, List<Integer> partitions) {}
