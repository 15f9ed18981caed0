package io.sideview.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.api.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shard tasks' parameters: each once, naming a configured group and shard; the message lists what exists. */
class TaskInputFilterTest {
    private static final Map<String, List<String>> SHARDS = Map.of("friends", List.of("shard0", "shard1"));

    private static FieldError check(String task, Map<String, String[]> params) {
        return TaskInputFilter.check(task, params, SHARDS);
    }

    @Test
    void shardTasksNeedAKnownGroupAndShard() {
        for (String task : List.of("/shard-pause", "/shard-resume", "/shard-restart")) {
            assertThat(check(task, Map.of("group", new String[] {"friends"}, "shard", new String[] {"shard1"}))).isNull();
            assertThat(check(task, Map.of("shard", new String[] {"shard1"})))
                    .isEqualTo(new FieldError("group", "the query parameter group is required"));
            assertThat(check(task, Map.of("group", new String[] {"friends"}, "shard", new String[] {""})))
                    .isEqualTo(new FieldError("shard", "the query parameter shard is required"));
            assertThat(check(task, Map.of("group", new String[] {"friends"}, "shard", new String[] {"shard1", "shard0"})))
                    .isEqualTo(new FieldError("shard", "given 2 times; give it once"));
            assertThat(check(task, Map.of("group", new String[] {"enemies"}, "shard", new String[] {"shard1"})))
                    .isEqualTo(new FieldError("group", "no source group 'enemies'; configured: friends"));
            assertThat(check(task, Map.of("group", new String[] {"friends"}, "shard", new String[] {"shard9"})))
                    .isEqualTo(new FieldError("shard", "no shard 'shard9' in source group 'friends'; its shards: shard0, shard1"));
        }
        assertThat(TaskInputFilter.check("/shard-pause", Map.of("group", new String[] {"friends"}, "shard", new String[] {"s"}),
                Map.of()).reason()).isEqualTo("no source group 'friends'; configured: none");
    }
}
