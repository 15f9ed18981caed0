package io.sideview.storage.hbase;

import com.codahale.metrics.health.HealthCheck;
import io.sideview.storage.KvStore;

/** Healthy when a bounded round trip to the record table succeeds. */
public class HBaseHealthCheck extends HealthCheck {
    private final KvStore store;

    public HBaseHealthCheck(KvStore store) {
        this.store = store;
    }

    @Override
    protected Result check() {
        try {
            store.ping();
            return Result.healthy();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Result.builder().unhealthy(e).withMessage("HBase unreachable: " + cause).build();
        }
    }
}
