package io.sideview.jobs;

/** What a job does, and whether clients may start and cancel it (the others keep the view exact). */
public enum JobType {
    /** History copy of a captured table into a view, per shard (run by the shard's engine; cancellable, resumable). */
    BACKFILL(false),
    /** Fills an index added by a later revision for the edges written before it. */
    INDEX_BUILD(false),
    /** Checks every node's count and index records against its state records, and the two sides against each other. */
    VERIFY(true),
    /** Rewrites every node's count and index records from its state records. */
    REBUILD(true),
    /** Compares a captured view with its source tables on the shards, node by node (edges, properties, counts). */
    SOURCE_VERIFY(true),
    /** A SOURCE_VERIFY that re-derives what differs from the rows read, then verifies again. */
    REPAIR(true),
    /**
     * Rebuilds a view from its sources into a new storage generation (streamed and copied like a new
     * view) while the old one answers, then switches queries to it at once and purges the old one.
     */
    REPLAY(true),
    /** Removes the records of deleted views and replaced generations from storage (started by the service). */
    PURGE(false);

    private final boolean clientJob;

    JobType(boolean clientJob) {
        this.clientJob = clientJob;
    }

    /** Started by a client (REST, a task) and cancellable; the others are the service's own. */
    public boolean clientJob() {
        return clientJob;
    }

    /** Takes a node scope (every node, a range, a sample): the jobs that compare with the source. */
    public boolean scoped() {
        return this == SOURCE_VERIFY || this == REPAIR;
    }

    /** A client may stop it: its own jobs, and history copies (which resume after their last chunk done when asked). */
    public boolean cancellable() {
        return clientJob || this == BACKFILL;
    }

    /** Runs elsewhere and reports through a {@link JobTracker} (a shard's copy, a replay following the copies). */
    public boolean tracked() {
        return this == BACKFILL || this == REPLAY;
    }
}
