package io.sideview.cluster;

import io.sideview.cluster.api.ClusterNode;
import io.sideview.cluster.api.ClusterStatus;
import io.sideview.cluster.api.PartitionPlacement;
import io.sideview.cluster.api.ShardPlacement;
import io.sideview.cluster.db.NodeRow;
import io.sideview.ingest.api.WalConsumerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster as the registry rows tell it: a pure function of the rows and the time, so the liveness
 * and orphan rules are tested without a database, a clock or Kafka.
 *
 * <p>A node is alive while its heartbeat is at most {@code nodeTimeout} old, the rule {@link Admission}
 * uses. Only live nodes own anything: a dead node's row still lists what it ran when it stopped beating,
 * which Kafka has given (or will give) to the others. The answering node's own row is overlaid with what
 * it runs now, since its row lags by up to one heartbeat interval.
 */
public final class ClusterMap {
    private ClusterMap() {}

    /**
     * @param self the answering node; {@code selfNow} what it runs now
     * @param shards every configured shard, as {@code group/shard}
     * @param wal the answering node's WAL consumer (null with wal: none)
     */
    public static ClusterStatus of(NodeIdentity self, Holdings selfNow, List<NodeRow> rows, List<String> shards,
                                   long now, long nodeTimeoutMs, WalConsumerStatus wal) {
        List<ClusterNode> nodes = new ArrayList<>();
        for (NodeRow r : rows) {
            boolean mine = self.is(r);
            long age = Math.max(0, now - r.heartbeatAt());
            nodes.add(new ClusterNode(r.name(), r.instance(), r.address() == null || r.address().isEmpty() ? null : r.address(),
                    r.storage(), r.wal(), Instant.ofEpochMilli(r.startedAt()), Instant.ofEpochMilli(r.heartbeatAt()), age,
                    age <= nodeTimeoutMs, mine,
                    mine ? List.copyOf(selfNow.shards()) : Holdings.shards(r.shards()),
                    mine ? List.copyOf(selfNow.partitions()) : Holdings.partitions(r.partitions())));
        }
        return new ClusterStatus(self.name(), nodes, placeShards(nodes, shards), placePartitions(nodes), wal);
    }

    /** The shards no live node runs (sorted): what the {@code cluster-shards} health check watches. */
    public static List<String> orphaned(ClusterStatus status) {
        return status.shards().stream().filter(ShardPlacement::orphaned).map(ShardPlacement::shard).toList();
    }

    private static List<ShardPlacement> placeShards(List<ClusterNode> nodes, List<String> shards) {
        // A live node from before this version does not say what it runs: it may run any shard, so none
        // is called orphaned while one is alive (better no alarm than a false one during an upgrade).
        boolean unknown = nodes.stream().anyMatch(n -> n.alive() && n.shards() == null);
        List<ShardPlacement> out = new ArrayList<>();
        for (String shard : new TreeSet<>(shards)) {
            List<String> owners = nodes.stream().filter(n -> n.alive() && n.shards() != null && n.shards().contains(shard))
                    .map(ClusterNode::name).toList();
            int slash = shard.indexOf('/');
            out.add(new ShardPlacement(shard, slash < 0 ? "" : shard.substring(0, slash), shard.substring(slash + 1),
                    owners.size() == 1 ? owners.get(0) : null, owners, owners.isEmpty() && !unknown));
        }
        return out;
    }

    /** Every partition any row names, live or dead: one only a dead node names is waiting for a new owner. */
    private static List<PartitionPlacement> placePartitions(List<ClusterNode> nodes) {
        Map<Integer, List<String>> owners = new TreeMap<>();
        for (ClusterNode n : nodes) {
            if (n.partitions() == null) {
                continue;
            }
            for (int p : n.partitions()) {
                List<String> live = owners.computeIfAbsent(p, k -> new ArrayList<>());
                if (n.alive()) {
                    live.add(n.name());
                }
            }
        }
        List<PartitionPlacement> out = new ArrayList<>();
        owners.forEach((p, live) -> out.add(new PartitionPlacement(p, live.size() == 1 ? live.get(0) : null,
                List.copyOf(live), live.isEmpty())));
        return out;
    }
}
