package io.sideview.cluster;

import io.sideview.cluster.db.NodeRow;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a node may run beside the nodes registered in its metadata DB: a pure decision over the rows
 * and the time, so it is tested without a database or a clock.
 *
 * <p>A row is live while its heartbeat is at most {@code nodeTimeout} old. A live row blocks this node
 * when it has this node's name but is another process, or when either side runs single-node parts
 * (storage rocksdb, wal none): those keep state in one process, so a second node on the same metadata
 * DB would run the same jobs and shards against other data.
 *
 * <p>Heartbeats carry each writer's clock, so node clocks must agree to well within nodeTimeout (NTP);
 * before it registers, {@link ClusterNodes} refuses only once a conflicting heartbeat is seen to move,
 * which no skew fakes.
 */
public final class Admission {
    private Admission() {}

    public static List<Conflict> conflicts(NodeIdentity self, List<NodeRow> rows, long now, long nodeTimeoutMs) {
        List<Conflict> out = new ArrayList<>();
        String mine = NodeIdentity.singleNodeParts(self.storage(), self.wal());
        for (NodeRow row : rows) {
            if (self.is(row) || now - row.heartbeatAt() > nodeTimeoutMs) {
                continue;
            }
            String other = describe(row, now);
            String theirs = NodeIdentity.singleNodeParts(row.storage(), row.wal());
            if (row.name().equals(self.name())) {
                out.add(new Conflict(row, "node name '" + self.name() + "' is taken by " + other
                        + ": two nodes must not share a name (set cluster.nodeName)"));
            } else if (!mine.isEmpty()) {
                out.add(new Conflict(row, mine + " single-node: this node runs storage " + self.storage() + ", wal "
                        + self.wal() + ", and " + other + " shares its metadata DB. Run every node on storage hbase "
                        + "and wal kafka, or stop node '" + row.name() + "'"));
            } else if (!theirs.isEmpty()) {
                out.add(new Conflict(row, theirs + " single-node: " + other + " runs storage " + row.storage() + ", wal "
                        + row.wal() + " on this metadata DB, so this cluster node (storage " + self.storage() + ", wal "
                        + self.wal() + ") may not join it. Stop node '" + row.name() + "' first"));
            }
        }
        return out;
    }

    private static String describe(NodeRow row, long now) {
        String at = row.address() == null || row.address().isEmpty() ? "" : " at " + row.address();
        return "live node '" + row.name() + "'" + at + " (heartbeat " + Math.max(0, now - row.heartbeatAt())
                + " ms ago)";
    }
}
