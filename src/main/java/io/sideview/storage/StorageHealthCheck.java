package io.sideview.storage;

import com.codahale.metrics.health.HealthCheck;

/** A real round trip to the configured backend. */
public class StorageHealthCheck extends HealthCheck {
    private final KvStore store;
    private final String type;

    public StorageHealthCheck(KvStore store, String type) {
        this.store = store;
        this.type = type;
    }

    @Override
    protected Result check() {
        store.ping();
        return Result.healthy(type + " reachable");
    }
}
