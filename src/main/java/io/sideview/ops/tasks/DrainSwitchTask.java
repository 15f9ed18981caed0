package io.sideview.ops.tasks;

import io.dropwizard.health.HealthStateAggregator;
import io.dropwizard.servlets.tasks.Task;
import io.sideview.ops.health.Draining;
import java.io.PrintWriter;

/** What {@code drain} and {@code undrain} share: the switch, and a line printed once readiness shows it. */
abstract class DrainSwitchTask extends Task {
    final Draining draining;
    private final HealthStateAggregator readiness;
    private final long waitMs;

    /** {@code readiness}: null when the health block is disabled (the switch then shows only in /healthcheck). */
    DrainSwitchTask(String name, Draining draining, HealthStateAggregator readiness, long waitMs) {
        super(name);
        this.draining = draining;
        this.readiness = readiness;
        this.waitMs = waitMs;
    }

    void report(String what, String shown, PrintWriter output) throws InterruptedException {
        output.println(draining.awaitShown(readiness, waitMs) ? what + ": " + shown
                : what + ": readiness does not show it yet (see GET /health-check?type=ready&name=draining)");
    }
}
