package io.sideview.cluster;

import com.codahale.metrics.health.HealthCheck;
import java.time.Clock;

/**
 * Unhealthy once this node's last heartbeat is older than nodeTimeout: the other nodes then count it as
 * dead (a new node may take its name, a single-node start is no longer refused), so it should not be
 * served as ready.
 */
public final class HeartbeatHealthCheck extends HealthCheck {
    public static final String NAME = "cluster-node";

    private final ClusterNodes nodes;
    private final Clock clock;

    public HeartbeatHealthCheck(ClusterNodes nodes, Clock clock) {
        this.nodes = nodes;
        this.clock = clock;
    }

    @Override
    protected Result check() {
        long last = nodes.lastHeartbeat();
        if (last == 0) {
            return Result.unhealthy("node '" + nodes.self().name() + "' is not registered in cluster_nodes");
        }
        long age = clock.millis() - last;
        if (age > nodes.nodeTimeoutMs()) {
            return Result.unhealthy("node '" + nodes.self().name() + "' last wrote its heartbeat " + age
                    + " ms ago, more than cluster.nodeTimeout: the other nodes count it as dead");
        }
        return Result.healthy("node '" + nodes.self().name() + "', heartbeat " + age + " ms ago");
    }
}
