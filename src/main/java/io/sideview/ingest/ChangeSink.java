package io.sideview.ingest;

import java.util.List;
import java.util.function.Function;

/**
 * Where a capture engine hands its row changes: applied in process (wal none) or published to the
 * Kafka WAL. Returns only when the batch is durable downstream, so the engine may then commit its
 * source offsets; throws when it is not (nothing of the batch is committed, it is replayed).
 */
public interface ChangeSink {
    /** Returns the number of rows that went to the dead letters. */
    int accept(List<RowChange> changes, Function<String, List<CaptureTarget>> targetsOfTable);
}
