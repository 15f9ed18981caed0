package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.sideview.ingest.api.ShardPause;
import io.sideview.ingest.db.BackfillDao;
import io.sideview.ingest.db.ShardStreamDao;
import io.sideview.jobs.JobTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator's pause, resume and restart of one engine. No view binds a table here, so a started engine
 * idles (IDLE) without Debezium: what is tested is the state kept around the engine, not the capture
 * (ShardControlIntegrationTest does that against real shards).
 */
class ShardEngineControlTest {
    private static final Instant T = Instant.parse("2026-12-07T15:00:00Z");
    private ShardEngine engine;

    @BeforeEach
    void engine() throws Exception {
        ShardConfig shard = new ShardConfig("shard1", "127.0.0.1", 1, "cdc", null, 9001);
        SourceGroupConfig group = new SourceGroupConfig(SourceFlavor.MARIADB, List.of(shard), null, null, null);
        Path dir = Files.createTempDirectory("shard-control-");
        engine = new ShardEngine("friends", group, shard, dir, List::of, (changes, targets) -> 0,
                new EngineStores(mock(BackfillDao.class), mock(ShardStreamDao.class), view -> {}), mock(JobTracker.class),
                p -> {});
    }

    @AfterEach
    void stop() throws InterruptedException {
        engine.stop();
    }

    private EngineState state() {
        return engine.status().state();
    }

    private void awaitIdle() {
        Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> state() == EngineState.IDLE);
    }

    @Test
    void pauseHoldsTheEngineStoppedUntilResumeAndBothAreIdempotent() throws Exception {
        engine.start();
        awaitIdle();
        assertThat(engine.pause(ShardPause.OPERATOR, "test", T)).isEqualTo(ShardEngine.Control.DONE);
        assertThat(state()).isEqualTo(EngineState.PAUSED);
        assertThat(engine.status().paused()).isEqualTo(new ShardPause("operator", "test", T, null));
        assertThat(engine.healthy()).as("a pause is not a fault").isTrue();

        assertThat(engine.pause(ShardPause.OPERATOR, "again", T.plusSeconds(5))).isEqualTo(ShardEngine.Control.ALREADY);
        assertThat(engine.paused().via()).as("the first pause stays").isEqualTo("test");
        engine.start();
        assertThat(state()).as("a start (ownership's own) honours the pause").isEqualTo(EngineState.PAUSED);
        assertThat(engine.restart()).as("only a resume lifts a pause").isEqualTo(ShardEngine.Control.PAUSED);
        assertThat(state()).isEqualTo(EngineState.PAUSED);

        assertThat(engine.resume()).isEqualTo(ShardEngine.Control.DONE);
        assertThat(engine.paused()).isNull();
        assertThat(engine.status().paused()).isNull();
        awaitIdle();
        assertThat(engine.resume()).isEqualTo(ShardEngine.Control.ALREADY);
    }

    @Test
    void restartStopsAndStartsARunningEngine() throws Exception {
        engine.start();
        awaitIdle();
        assertThat(engine.restart()).isEqualTo(ShardEngine.Control.DONE);
        awaitIdle();
    }

    @Test
    void aShardAnotherNodeRunsIsLeftAlone() throws Exception {
        engine.elsewhere();
        assertThat(engine.pause(ShardPause.OPERATOR, "test", T)).isEqualTo(ShardEngine.Control.ELSEWHERE);
        assertThat(engine.resume()).isEqualTo(ShardEngine.Control.ELSEWHERE);
        assertThat(engine.restart()).isEqualTo(ShardEngine.Control.ELSEWHERE);
        assertThat(state()).isEqualTo(EngineState.ELSEWHERE);
        assertThat(engine.paused()).isNull();
    }

    @Test
    void aPauseEndsWhenTheShardMovesToAnotherNode() throws Exception {
        engine.start();
        awaitIdle();
        engine.pause(ShardPause.OPERATOR, "test", T);
        engine.release();
        assertThat(state()).isEqualTo(EngineState.ELSEWHERE);
        assertThat(engine.paused()).as("the node that runs it now does not know of it").isNull();
        engine.start();
        awaitIdle();
    }
}
