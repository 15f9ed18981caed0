package io.sideview.ops.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.ops.health.Draining;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One line each, idempotent; the switch flips whatever readiness shows (here none: the health block is off). */
class DrainTaskTest {
    private static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");
    private final Draining draining = new Draining(Clock.fixed(T0, ZoneOffset.UTC));

    private static String run(io.dropwizard.servlets.tasks.Task task) throws Exception {
        StringWriter out = new StringWriter();
        task.execute(Map.of(), new PrintWriter(out, true));
        return out.toString();
    }

    @Test
    void drainThenUndrainTwiceEach() throws Exception {
        DrainTask drain = new DrainTask(draining, null, 50);
        UndrainTask undrain = new UndrainTask(draining, null, 50);
        assertThat(run(undrain)).isEqualTo("not draining: readiness does not show it yet "
                + "(see GET /health-check?type=ready&name=draining)\n");
        assertThat(run(drain)).startsWith("draining: ").hasLineCount(1);
        assertThat(draining.draining()).isTrue();
        assertThat(run(drain)).startsWith("already draining since " + T0 + ": ").hasLineCount(1);
        assertThat(run(undrain)).startsWith("undrained (draining since " + T0 + "): ").hasLineCount(1);
        assertThat(draining.draining()).isFalse();
        assertThat(run(undrain)).startsWith("not draining: ");
    }
}
