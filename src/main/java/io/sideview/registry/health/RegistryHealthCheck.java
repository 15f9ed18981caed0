package io.sideview.registry.health;

import com.codahale.metrics.health.HealthCheck;
import io.sideview.registry.RegistryPoller;

/**
 * {@code registry}: unhealthy while the registry cannot be read and applying is paused for it (so the
 * node leaves readiness); healthy with the last change seen otherwise.
 */
public final class RegistryHealthCheck extends HealthCheck {
    public static final String NAME = "registry";

    private final RegistryPoller poller;

    public RegistryHealthCheck(RegistryPoller poller) {
        this.poller = poller;
    }

    @Override
    protected Result check() {
        RegistryPoller.Status s = poller.status();
        if (s.paused()) {
            return Result.unhealthy("applying is paused: the registry has not been read since "
                    + java.time.Instant.ofEpochMilli(s.lastReadMillis()) + " (" + s.lastError() + ")");
        }
        return Result.healthy("at registry change " + s.seq());
    }
}
