package io.sideview.ops.tasks;

import com.codahale.metrics.annotation.Timed;
import io.dropwizard.health.HealthStateAggregator;
import io.sideview.ops.health.Draining;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code POST /tasks/undrain}: readiness follows the other checks again. Idempotent; one line. */
public class UndrainTask extends DrainSwitchTask {
    public UndrainTask(Draining draining, HealthStateAggregator readiness, long waitMs) {
        super("undrain", draining, readiness, waitMs);
    }

    @Override
    @Timed
    public void execute(Map<String, List<String>> parameters, PrintWriter output) throws InterruptedException {
        Instant was = draining.undrain();
        report(was == null ? "not draining" : "undrained (draining since " + was + ")",
                "readiness follows the other checks again", output);
    }
}
