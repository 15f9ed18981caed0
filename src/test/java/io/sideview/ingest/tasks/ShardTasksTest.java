package io.sideview.ingest.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.sideview.errors.Refused;
import io.sideview.ingest.EngineState;
import io.sideview.ingest.IngestService;
import io.sideview.ingest.ShardControl;
import io.sideview.ingest.ShardEngine;
import io.sideview.ingest.api.ShardStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardTasksTest {
    private final IngestService ingest = mock(IngestService.class);

    private static String run(ShardTask task, Map<String, List<String>> params) throws Exception {
        StringWriter sw = new StringWriter();
        task.execute(params, new PrintWriter(sw));
        return sw.toString();
    }

    private static ShardControl control(ShardControl.Verb verb, ShardEngine.Control outcome, EngineState state) {
        return new ShardControl(verb, outcome, null, new ShardStatus("friends", "shard1", state, List.of(), null, null, 0, 0, 0, 0,
                null, null, Map.of(), null));
    }

    @Test
    void eachTaskPrintsTheServiceLine() throws Exception {
        Map<String, List<String>> params = Map.of("group", List.of("friends"), "shard", List.of("shard1"));
        when(ingest.resume("friends", "shard1")).thenReturn(control(ShardControl.Verb.RESUME, ShardEngine.Control.ALREADY,
                EngineState.STREAMING));
        assertThat(run(new ShardResumeTask(ingest), params)).isEqualTo("friends/shard1 is not paused (it is STREAMING): nothing changed"
                + System.lineSeparator());
        when(ingest.restart("friends", "shard1")).thenReturn(control(ShardControl.Verb.RESTART, ShardEngine.Control.ELSEWHERE,
                EngineState.ELSEWHERE));
        assertThat(run(new ShardRestartTask(ingest), params)).startsWith("friends/shard1 runs on another node (ELSEWHERE)");
        when(ingest.pause("friends", "shard1", "admin task shard-pause")).thenThrow(Refused.notFound("no shard 'shard1'"));
        assertThat(run(new ShardPauseTask(ingest), params)).isEqualTo("refused: no shard 'shard1'" + System.lineSeparator());
    }

    @Test
    void withoutTheFilterAMissingParameterIsALineNotAnException() throws Exception {
        assertThat(run(new ShardPauseTask(ingest), Map.of("group", List.of("friends"))))
                .isEqualTo("refused: shard: the query parameter is required" + System.lineSeparator());
        verifyNoInteractions(ingest);
        assertThat(new ShardPauseTask(ingest).getName()).isEqualTo("shard-pause");
        assertThat(new ShardResumeTask(ingest).getName()).isEqualTo("shard-resume");
        assertThat(new ShardRestartTask(ingest).getName()).isEqualTo("shard-restart");
    }
}
