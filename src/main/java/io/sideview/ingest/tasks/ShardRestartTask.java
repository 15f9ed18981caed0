package io.sideview.ingest.tasks;

import io.sideview.ingest.IngestService;
import io.sideview.ingest.ShardControl;

/**
 * {@code POST /tasks/shard-restart?group=G&shard=S}: stops and starts the shard's engine (after a fix of
 * the shard, its credentials or the network) without waiting for its retry backoff; it resumes from its
 * offsets. A paused shard stays paused (shard-resume starts it). One line.
 */
public class ShardRestartTask extends ShardTask {
    private final IngestService ingest;

    public ShardRestartTask(IngestService ingest) {
        super("shard-restart");
        this.ingest = ingest;
    }

    @Override
    ShardControl act(String group, String shard) throws InterruptedException {
        return ingest.restart(group, shard);
    }
}
