package io.sideview.ops.health;

import com.codahale.metrics.health.HealthCheckRegistry;
import io.dropwizard.lifecycle.Managed;

/**
 * Hands every registered check to the liveness/readiness scheduler on start, that is after the
 * store, the metadata DB pool and the engines it checks have started (it is managed after them, just before the health manager that checks on start that every configured check is there). Registered
 * at wiring time, a check's first run would fail on a store not yet open and the service would stay
 * "not ready" for a whole check interval after it is up.
 */
public final class ScheduledChecks implements Managed {
    private final HealthCheckRegistry registered;
    private final HealthCheckRegistry scheduled;

    public ScheduledChecks(HealthCheckRegistry registered, HealthCheckRegistry scheduled) {
        this.registered = registered;
        this.scheduled = scheduled;
    }

    @Override
    public void start() {
        for (String name : registered.getNames()) {
            if (!scheduled.getNames().contains(name)) {
                scheduled.register(name, registered.getHealthCheck(name));
            }
        }
    }

    @Override
    public void stop() {
        scheduled.getNames().forEach(scheduled::unregister);
    }
}
