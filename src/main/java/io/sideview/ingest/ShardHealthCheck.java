package io.sideview.ingest;

import com.codahale.metrics.health.HealthCheck;
import io.sideview.ingest.api.ShardStatus;
import java.util.function.LongSupplier;

/**
 * {@code cdc-<group>-<shard>}: the engine is up (IDLE, STARTING, SNAPSHOT or STREAMING, and not
 * recovering from a lost position), and its changes reach the view within {@code maxLagMs} of their
 * commit (0: no lag rule). It is a readiness check (ops.health.HealthPlan), so a shard that is down or
 * far behind takes the service out of a load balancer, by name, until it is back. A shard an operator
 * paused is healthy, with a message saying who paused it and since when.
 */
final class ShardHealthCheck extends HealthCheck {
    private final ShardEngine engine;
    private final long maxLagMs;
    private final LongSupplier nanoClock;
    private long lastApplied = -1;
    private long lastAppliedSeenNanos;

    ShardHealthCheck(ShardEngine engine, long maxLagMs, LongSupplier nanoClock) {
        this.engine = engine;
        this.maxLagMs = maxLagMs;
        this.nanoClock = nanoClock;
    }

    // Synchronized: the health scheduler and /healthcheck may run it at once, and both read and move lastApplied.
    @Override
    protected synchronized Result check() {
        ShardStatus s = engine.status();
        if (s.paused() != null) {
            // Healthy on purpose: an operator's pause is not a fault, and taking every node out of the load
            // balancer for it would turn maintenance of one shard into an outage of all queries. The view
            // keeps answering, stale for this shard only; the message and the paused gauge say why.
            return Result.healthy("PAUSED by " + s.paused().by() + " (" + s.paused().via() + ") since "
                    + s.paused().since() + " at " + s.paused().position() + "; changes wait on the shard until resumed");
        }
        if (!engine.healthy()) {
            return Result.unhealthy(s.state() + ": " + (s.recovery() != null ? s.recovery() : s.lastError()));
        }
        long now = nanoClock.getAsLong();
        if (s.eventsApplied() != lastApplied) {
            lastApplied = s.eventsApplied();
            lastAppliedSeenNanos = now;
        }
        // lagMs is measured when a batch applies, so an idle shard keeps its last value. A measure counts
        // only while changes kept applying within the threshold: a shard quiet for longer is caught up
        // (heartbeats move its position), and the next change it applies measures again.
        boolean current = (now - lastAppliedSeenNanos) / 1_000_000 <= maxLagMs;
        if (maxLagMs > 0 && current && s.lagMs() != null && s.lagMs() > maxLagMs) {
            return Result.unhealthy(s.state() + ", lagging: the last change applied " + s.lagMs()
                    + " ms after its commit (ops.maxShardLag " + maxLagMs + " ms)");
        }
        return Result.healthy(s.state() + " at " + s.position());
    }
}
