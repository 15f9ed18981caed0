package io.sideview.cluster.db;

/**
 * One row of {@code cluster_nodes}: a node that runs, or ran and has not stopped cleanly. {@code shards}
 * and {@code partitions} are what it ran at its last heartbeat, comma-separated ({@code cluster.Holdings});
 * null on a row written by a version that did not publish them.
 */
public record NodeRow(String name, String instance, String storage, String wal, String address, long startedAt,
                      long heartbeatAt, String shards, String partitions) {}
