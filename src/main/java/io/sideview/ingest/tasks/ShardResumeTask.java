package io.sideview.ingest.tasks;

import io.sideview.ingest.IngestService;
import io.sideview.ingest.ShardControl;

/** {@code POST /tasks/shard-resume?group=G&shard=S}: starts a paused shard's engine from its offsets. Idempotent; one line. */
public class ShardResumeTask extends ShardTask {
    private final IngestService ingest;

    public ShardResumeTask(IngestService ingest) {
        super("shard-resume");
        this.ingest = ingest;
    }

    @Override
    ShardControl act(String group, String shard) {
        return ingest.resume(group, shard);
    }
}
