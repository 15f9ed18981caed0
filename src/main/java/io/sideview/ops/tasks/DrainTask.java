package io.sideview.ops.tasks;

import com.codahale.metrics.annotation.Timed;
import io.dropwizard.health.HealthStateAggregator;
import io.sideview.ops.health.Draining;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/drain}: readiness turns false so a load balancer stops sending queries; requests in
 * flight finish and applying goes on. Idempotent. Prints one line once readiness shows it.
 */
public class DrainTask extends DrainSwitchTask {
    public DrainTask(Draining draining, HealthStateAggregator readiness, long waitMs) {
        super("drain", draining, readiness, waitMs);
    }

    @Override
    @Timed
    public void execute(Map<String, List<String>> parameters, PrintWriter output) throws InterruptedException {
        Instant was = draining.drain();
        report(was == null ? "draining" : "already draining since " + was,
                "readiness is false; requests in flight finish and applying goes on", output);
    }
}
