package io.sideview.ops.tasks;

import io.dropwizard.health.HealthStateAggregator;
import io.sideview.ops.health.Draining;

/**
 * {@code POST /tasks/drain}: readiness turns false so a load balancer stops sending queries; requests in
 * flight finish and applying goes on. Idempotent. Prints one line once readiness shows it.
 */
public class DrainTask extends DrainSwitchTask {
    public DrainTask(Draining draining, HealthStateAggregator readiness, long waitMs) {
        super("drain", Draining::drain, was -> was == null ? "draining" : "already draining since " + was,
                "readiness is false; requests in flight finish and applying goes on", draining, readiness, waitMs);
    }
}
