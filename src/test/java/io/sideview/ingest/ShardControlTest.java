package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.ingest.ShardControl.Verb;
import io.sideview.ingest.ShardEngine.Control;
import io.sideview.ingest.api.ShardPause;
import io.sideview.ingest.api.ShardStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one line each outcome prints: what happened, or why nothing did and what to do instead. */
class ShardControlTest {
    private static final ShardPause PAUSE = new ShardPause("operator", "admin task shard-pause",
            Instant.parse("2026-12-07T15:00:00Z"), "binlog.000001:3940");

    private static ShardStatus status(EngineState state, ShardPause pause) {
        return new ShardStatus("friends", "shard1", state, List.of(), "binlog.000001:3940", null, 0, 0, 0, 0, null, null,
                Map.of(), pause);
    }

    private static String line(Verb verb, Control outcome, ShardPause before, EngineState after, ShardPause pauseAfter) {
        return new ShardControl(verb, outcome, before, status(after, pauseAfter)).line();
    }

    @Test
    void eachOutcomeIsOneLine() {
        assertThat(line(Verb.PAUSE, Control.DONE, null, EngineState.PAUSED, PAUSE)).isEqualTo("friends/shard1 PAUSED by operator"
                + " at binlog.000001:3940: its engine stopped with its offsets committed; changes wait on the shard until shard-resume");
        assertThat(line(Verb.PAUSE, Control.ALREADY, PAUSE, EngineState.PAUSED, PAUSE)).isEqualTo("friends/shard1 is already"
                + " PAUSED (by operator via admin task shard-pause since 2026-12-07T15:00:00Z): nothing changed");
        assertThat(line(Verb.RESUME, Control.DONE, PAUSE, EngineState.STARTING, null)).isEqualTo("friends/shard1 resumed"
                + " (PAUSED by operator since 2026-12-07T15:00:00Z): its engine starts from its committed offsets");
        assertThat(line(Verb.RESUME, Control.ALREADY, null, EngineState.STREAMING, null))
                .isEqualTo("friends/shard1 is not paused (it is STREAMING): nothing changed");
        assertThat(line(Verb.RESTART, Control.DONE, null, EngineState.STARTING, null))
                .isEqualTo("friends/shard1 restarted: its engine stopped and starts again from its committed offsets");
        assertThat(line(Verb.RESTART, Control.PAUSED, PAUSE, EngineState.PAUSED, PAUSE)).isEqualTo("friends/shard1 is PAUSED"
                + " by operator since 2026-12-07T15:00:00Z: not restarted; shard-resume starts it");
        for (Verb v : Verb.values()) {
            String line = line(v, Control.ELSEWHERE, null, EngineState.ELSEWHERE, null);
            assertThat(line).startsWith("friends/shard1 runs on another node (ELSEWHERE): nothing done here; call shard-"
                    + v.name().toLowerCase(java.util.Locale.ROOT) + " on the node that runs it").doesNotContain("\n");
        }
    }

    @Test
    void aPauseBeforeAnyChangeSaysSo() {
        ShardPause early = new ShardPause("operator", "test", PAUSE.since(), null);
        assertThat(line(Verb.PAUSE, Control.DONE, null, EngineState.PAUSED, early)).contains("at no change streamed yet");
    }
}
