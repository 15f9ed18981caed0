package io.sideview.ops.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.health.HealthCheckType;
import io.dropwizard.health.HealthStateAggregator;
import io.dropwizard.health.HealthStateView;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DrainingTest {
    private static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");
    private final Draining draining = new Draining(Clock.fixed(T0, ZoneOffset.UTC));

    /** What readiness would show for the check right now, as the health scheduler would have run it. */
    private HealthStateAggregator shownNow() {
        return new HealthStateAggregator() {
            @Override
            public Collection<HealthStateView> healthStateViews() {
                return List.of(view());
            }

            @Override
            public Optional<HealthStateView> healthStateView(String name) {
                return Draining.NAME.equals(name) ? Optional.of(view()) : Optional.empty();
            }

            private HealthStateView view() {
                return new HealthStateView(Draining.NAME, draining.execute().isHealthy(), HealthCheckType.READY, true);
            }
        };
    }

    @Test
    void drainAndUndrainAreIdempotentAndTheCheckFollows() {
        assertThat(draining.execute().isHealthy()).isTrue();
        assertThat(draining.drain()).as("was not draining").isNull();
        assertThat(draining.drain()).as("already draining since").isEqualTo(T0);
        assertThat(draining.execute().isHealthy()).isFalse();
        assertThat(draining.execute().getMessage()).isEqualTo("draining since " + T0);
        assertThat(draining.undrain()).isEqualTo(T0);
        assertThat(draining.undrain()).isNull();
        assertThat(draining.execute().isHealthy()).isTrue();
    }

    @Test
    void awaitShownWaitsForReadinessAndGivesUpWithoutIt() throws Exception {
        draining.drain();
        assertThat(draining.awaitShown(shownNow(), 1000)).isTrue();
        HealthStateAggregator stale = new HealthStateAggregator() {
            @Override
            public Collection<HealthStateView> healthStateViews() {
                return List.of();
            }

            @Override
            public Optional<HealthStateView> healthStateView(String name) {
                return Optional.of(new HealthStateView(Draining.NAME, true, HealthCheckType.READY, true));
            }
        };
        assertThat(draining.awaitShown(stale, 100)).as("readiness still says ready").isFalse();
        assertThat(draining.awaitShown(null, 100)).as("health block disabled").isFalse();
    }
}
