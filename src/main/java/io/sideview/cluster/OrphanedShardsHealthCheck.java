package io.sideview.cluster;

import com.codahale.metrics.health.HealthCheck;
import io.sideview.cluster.api.ClusterStatus;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * wal: kafka: unhealthy while a configured shard has had no live node running its engine for longer than
 * a grace period, naming the shards. A handover leaves a shard unowned for a moment (the old node's
 * revoke, the coordinator's next assignment, the new node's next heartbeat), and a dead node keeps its
 * shards until Kafka's session timeout ends, so the grace is twice {@code wal.kafka.sessionTimeout}
 * (and at least two node timeouts, for the rows to show the move).
 *
 * <p>Registered as a non-critical check ({@code ops.health.HealthPlan}): an orphaned shard is the
 * cluster's problem, not this node's, and would otherwise take every node out of the load balancer
 * at once.
 */
public final class OrphanedShardsHealthCheck extends HealthCheck {
    public static final String NAME = "cluster-shards";

    private final Supplier<ClusterStatus> cluster;
    private final Clock clock;
    private final long graceMs;
    /** Shard to when this check first saw it orphaned; guarded by this. */
    private final Map<String, Long> since = new HashMap<>();

    public OrphanedShardsHealthCheck(Supplier<ClusterStatus> cluster, Clock clock, long graceMs) {
        this.cluster = cluster;
        this.clock = clock;
        this.graceMs = graceMs;
    }

    /** Twice the session timeout, and never less than two node timeouts. */
    public static long grace(long sessionTimeoutMs, long nodeTimeoutMs) {
        return Math.max(2 * sessionTimeoutMs, 2 * nodeTimeoutMs);
    }

    @Override
    protected synchronized Result check() {
        ClusterStatus status = cluster.get();
        List<String> orphans = ClusterMap.orphaned(status);
        long now = clock.millis();
        since.keySet().retainAll(orphans);
        orphans.forEach(s -> since.putIfAbsent(s, now));
        List<String> overdue = orphans.stream().filter(s -> now - since.get(s) > graceMs).toList();
        if (!overdue.isEmpty()) {
            return Result.unhealthy("no live node runs " + describe(overdue, now) + " (grace " + graceMs
                    + " ms): their changes are not captured; see GET /api/v1/cluster");
        }
        if (!orphans.isEmpty()) {
            return Result.healthy("no live node runs " + describe(orphans, now) + " yet, within the grace of "
                    + graceMs + " ms (a handover)");
        }
        return Result.healthy(status.shards().size() + " shard(s), each run by a live node");
    }

    private String describe(List<String> shards, long now) {
        StringBuilder out = new StringBuilder();
        for (String s : shards) {
            out.append(out.isEmpty() ? "" : ", ").append(s).append(" (for ").append(now - since.get(s)).append(" ms)");
        }
        return out.toString();
    }
}
