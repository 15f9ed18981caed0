package io.sideview.ingest.tasks;

import com.codahale.metrics.annotation.Timed;
import io.dropwizard.servlets.tasks.Task;
import io.sideview.errors.Refused;
import io.sideview.ingest.ShardControl;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * What {@code shard-pause}, {@code shard-resume} and {@code shard-restart} share: {@code ?group=G&shard=S}
 * (checked by ops.TaskInputFilter, which answers a missing, repeated or unknown one with a 400), one call
 * to the ingest service, one line. They wait for the engine to stop (Debezium's close, usually well under
 * a second, bounded at 30 s) rather than hand it to an executor: the line then says what is true.
 */
abstract class ShardTask extends Task {
    ShardTask(String name) {
        super(name);
    }

    /** Acts on the shard and says what it did. */
    abstract ShardControl act(String group, String shard) throws InterruptedException;

    @Override
    @Timed
    public final void execute(Map<String, List<String>> parameters, PrintWriter output) throws InterruptedException {
        String group = one(parameters, "group");
        String shard = one(parameters, "shard");
        if (group == null || shard == null) {
            // Only without the filter (a unit test): over HTTP it answered 400 already.
            output.println("refused: " + (group == null ? "group" : "shard") + ": the query parameter is required");
            return;
        }
        try {
            output.println(act(group, shard).line());
        } catch (Refused e) {
            output.println("refused: " + e.detail());
        }
    }

    private static String one(Map<String, List<String>> parameters, String key) {
        List<String> v = parameters.getOrDefault(key, List.of());
        return v.size() != 1 || v.get(0).isEmpty() ? null : v.get(0);
    }
}
