package io.sideview.ingest;

/** Where a view's history copy from one shard stands (table view_backfills). */
public enum CopyStatus {
    RUNNING, DONE, FAILED
}
