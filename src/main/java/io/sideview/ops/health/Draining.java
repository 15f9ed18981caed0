package io.sideview.ops.health;

import com.codahale.metrics.health.HealthCheck;
import io.dropwizard.health.HealthStateAggregator;
import io.dropwizard.health.HealthStateView;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The drain switch: while on, the readiness check {@value #NAME} fails, so a load balancer that probes
 * {@code /health-check?type=ready} stops sending queries. Nothing else changes: requests that arrive
 * (in flight or not) are served, engines keep capturing and lanes keep applying, so an undrained
 * instance is as current as one that never drained.
 */
public final class Draining extends HealthCheck {
    public static final String NAME = "draining";

    private final Clock clock;
    /** When the drain began; null while not draining. One reference, so drain and undrain never race into a mixed state. */
    private final AtomicReference<Instant> since = new AtomicReference<>();

    public Draining(Clock clock) {
        this.clock = clock;
    }

    /** Turns draining on; returns when it began if it already was on, else null. */
    public Instant drain() {
        Instant now = clock.instant();
        return since.compareAndExchange(null, now);
    }

    /** Turns draining off; returns when it had begun, or null if it was not on. */
    public Instant undrain() {
        return since.getAndSet(null);
    }

    public boolean draining() {
        return since.get() != null;
    }

    /**
     * Waits until readiness shows the switch as it is now: the health scheduler runs this check every
     * {@code ops.checkInterval}, and a task should print what a load balancer sees, not what it will see.
     * False when not within {@code timeoutMs}, or when the health block is disabled ({@code readiness} null).
     */
    public boolean awaitShown(HealthStateAggregator readiness, long timeoutMs) throws InterruptedException {
        if (readiness == null) {
            return false;
        }
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            boolean wanted = !draining();
            if (readiness.healthStateView(NAME).map(HealthStateView::isHealthy).orElse(!wanted) == wanted) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    @Override
    protected Result check() {
        Instant at = since.get();
        return at == null ? Result.healthy("not draining") : Result.unhealthy("draining since " + at);
    }
}
