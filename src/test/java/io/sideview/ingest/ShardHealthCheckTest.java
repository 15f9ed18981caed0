package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.sideview.ingest.api.ShardPause;
import io.sideview.ingest.api.ShardStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ShardHealthCheckTest {
    private final ShardEngine engine = mock(ShardEngine.class);
    private final AtomicLong nanos = new AtomicLong();

    private void status(EngineState state, Long lagMs, long applied, String error) {
        when(engine.status()).thenReturn(new ShardStatus("friends", "shard0", state, List.of(), "binlog.000001:4", lagMs,
                0, 0, applied, 0, error, null, Map.of(), null));
        when(engine.healthy()).thenReturn(state.healthy());
    }

    @Test
    void downIsUnhealthyWithTheReason() {
        status(EngineState.RETRYING, null, 0, "java.net.ConnectException: refused");
        assertThat(new ShardHealthCheck(engine, 60_000, nanos::get).execute().getMessage())
                .isEqualTo("RETRYING: java.net.ConnectException: refused");
    }

    @Test
    void lagOverTheThresholdIsUnhealthyWhileChangesKeepApplying() {
        ShardHealthCheck check = new ShardHealthCheck(engine, 1_000, nanos::get);
        status(EngineState.STREAMING, 5_000L, 10, null);
        assertThat(check.execute().isHealthy()).isFalse();
        assertThat(check.execute().getMessage()).contains("lagging").contains("5000 ms");
        nanos.addAndGet(900_000_000L);
        status(EngineState.STREAMING, 3_000L, 20, null);
        assertThat(check.execute().isHealthy()).as("still behind, still applying").isFalse();
        status(EngineState.STREAMING, 200L, 30, null);
        assertThat(check.execute().isHealthy()).as("caught up").isTrue();
    }

    @Test
    void anOldLagMeasureOfAQuietShardDoesNotCount() {
        ShardHealthCheck check = new ShardHealthCheck(engine, 1_000, nanos::get);
        status(EngineState.STREAMING, 5_000L, 10, null);
        assertThat(check.execute().isHealthy()).isFalse();
        nanos.addAndGet(1_500_000_000L);
        assertThat(check.execute().isHealthy()).as("nothing applied for longer than the threshold: caught up").isTrue();
        assertThat(new ShardHealthCheck(engine, 0, nanos::get).execute().isHealthy()).as("0: no lag rule").isTrue();
    }

    @Test
    void aPausedShardIsHealthyAndSaysWhoPausedIt() {
        when(engine.status()).thenReturn(new ShardStatus("friends", "shard0", EngineState.PAUSED, List.of(), "binlog.000001:4",
                90_000L, 0, 0, 10, 0, null, null, Map.of(),
                new ShardPause("operator", "admin task shard-pause", Instant.parse("2026-12-07T15:00:00Z"), "binlog.000001:4")));
        when(engine.healthy()).thenReturn(true);
        var result = new ShardHealthCheck(engine, 1_000, nanos::get).execute();
        assertThat(result.isHealthy()).as("a pause is not a fault, and its old lag does not count").isTrue();
        assertThat(result.getMessage()).isEqualTo("PAUSED by operator (admin task shard-pause) since 2026-12-07T15:00:00Z"
                + " at binlog.000001:4; changes wait on the shard until resumed");
    }
}
