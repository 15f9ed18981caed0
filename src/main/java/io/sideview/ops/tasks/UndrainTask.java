package io.sideview.ops.tasks;

import io.dropwizard.health.HealthStateAggregator;
import io.sideview.ops.health.Draining;

/** {@code POST /tasks/undrain}: readiness follows the other checks again. Idempotent; one line. */
public class UndrainTask extends DrainSwitchTask {
    public UndrainTask(Draining draining, HealthStateAggregator readiness, long waitMs) {
        super("undrain", Draining::undrain, was -> was == null ? "not draining" : "undrained (draining since " + was + ")",
                "readiness follows the other checks again", draining, readiness, waitMs);
    }
}
