package io.sideview.ops.tasks;

import com.codahale.metrics.annotation.Timed;
import io.dropwizard.health.HealthStateAggregator;
import io.dropwizard.servlets.tasks.Task;
import io.sideview.ops.health.Draining;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** What {@code drain} and {@code undrain} share: flip the switch, then one line once readiness shows it. */
abstract class DrainSwitchTask extends Task {
    private final Draining draining;
    private final Function<Draining, Instant> flip;
    private final Function<Instant, String> what;
    private final String shown;
    private final HealthStateAggregator readiness;
    private final long waitMs;

    /**
     * {@code flip} flips the switch and returns when the drain had begun, or null (see {@link Draining});
     * {@code what} says what happened from that; {@code shown} is what readiness shows once it caught up.
     * {@code readiness}: null when the health block is disabled (the switch then shows only in /healthcheck).
     */
    DrainSwitchTask(String name, Function<Draining, Instant> flip, Function<Instant, String> what, String shown,
                    Draining draining, HealthStateAggregator readiness, long waitMs) {
        super(name);
        this.flip = flip;
        this.what = what;
        this.shown = shown;
        this.draining = draining;
        this.readiness = readiness;
        this.waitMs = waitMs;
    }

    @Override
    @Timed
    public final void execute(Map<String, List<String>> parameters, PrintWriter output) throws InterruptedException {
        String what = this.what.apply(flip.apply(draining));
        output.println(draining.awaitShown(readiness, waitMs) ? what + ": " + shown
                : what + ": readiness does not show it yet (see GET /health-check?type=ready&name=draining)");
    }
}
