package io.sideview.cluster.db;

/** One row of {@code cluster_nodes}: a node that runs, or ran and has not stopped cleanly. */
public record NodeRow(String name, String instance, String storage, String wal, String address, long startedAt,
                      long heartbeatAt) {}
