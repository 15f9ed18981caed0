package io.sideview.ingest;

/** Where a view's history copy from one shard stands (table view_backfills). */
public enum CopyStatus {
    /** Copying, or interrupted by a crash: resumed at the next engine start after its last chunk done. */
    RUNNING,
    DONE,
    /** Stopped on an error: resumed at the next engine start after its last chunk done. */
    FAILED,
    /** Stopped by an operator: resumed only when asked ({@code POST /api/v1/ingest/copies/resume}). */
    CANCELLED;

    /** The engine takes it up again by itself when it starts. */
    public boolean resumesByItself() {
        return this == RUNNING || this == FAILED;
    }
}
