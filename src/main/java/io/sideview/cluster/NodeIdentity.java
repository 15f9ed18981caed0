package io.sideview.cluster;

import io.sideview.cluster.db.NodeRow;

/**
 * This process as the registry knows it.
 *
 * @param name the node name (stable across restarts)
 * @param instance random per process start: tells this process from an earlier one of the same name
 * @param storage {@code storage.type}
 * @param wal {@code wal.mode}
 */
public record NodeIdentity(String name, String instance, String storage, String wal) {

    public NodeRow row(String address, long startedAt, long heartbeatAt, Holdings holds) {
        return new NodeRow(name, instance, storage, wal, address, startedAt, heartbeatAt, holds.shardsColumn(),
                holds.partitionsColumn());
    }

    public boolean is(NodeRow row) {
        return row.name().equals(name) && row.instance().equals(instance);
    }

    /** The parts that keep a node alone on its metadata DB (RocksDB is local, wal none applies in process), or "". */
    public static String singleNodeParts(String storage, String wal) {
        boolean rocks = storage.equals("rocksdb");
        boolean none = wal.equals("none");
        if (rocks && none) {
            return "storage rocksdb and wal none are";
        }
        return rocks ? "storage rocksdb is" : none ? "wal none is" : "";
    }
}
