package io.sideview.cluster;

import io.sideview.cluster.api.ClusterStatus;
import io.sideview.cluster.db.ClusterNodeDao;
import io.sideview.ingest.api.WalConsumerStatus;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/** Reads the registry and maps it ({@link ClusterMap}): what {@code GET /api/v1/cluster} and the orphan check see. */
public final class ClusterView {
    private final ClusterNodeDao dao;
    private final ClusterNodes nodes;
    private final List<String> shards;
    private final Supplier<WalConsumerStatus> wal;
    private final Clock clock;

    /** {@code shards}: every configured shard as group/shard; {@code wal}: this node's WAL consumer, or null for none. */
    public ClusterView(ClusterNodeDao dao, ClusterNodes nodes, List<String> shards, Supplier<WalConsumerStatus> wal,
                       Clock clock) {
        this.dao = dao;
        this.nodes = nodes;
        this.shards = List.copyOf(shards);
        this.wal = wal;
        this.clock = clock;
    }

    public ClusterStatus status() {
        // Rows first, then the time: a heartbeat written between the two cannot look like it is from the future.
        var rows = dao.all();
        return ClusterMap.of(nodes.self(), nodes.holdings(), rows, shards, clock.millis(), nodes.nodeTimeoutMs(),
                wal == null ? null : wal.get());
    }
}
