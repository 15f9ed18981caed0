package io.sideview.ingest.tasks;

import io.sideview.ingest.IngestService;
import io.sideview.ingest.ShardControl;

/**
 * {@code POST /tasks/shard-pause?group=G&shard=S}: stops the shard's engine on this node, offsets
 * committed, and keeps it stopped (state PAUSED, by operator) until shard-resume. Idempotent; one line.
 */
public class ShardPauseTask extends ShardTask {
    private final IngestService ingest;

    public ShardPauseTask(IngestService ingest) {
        super("shard-pause");
        this.ingest = ingest;
    }

    @Override
    ShardControl act(String group, String shard) throws InterruptedException {
        return ingest.pause(group, shard, "admin task shard-pause");
    }
}
