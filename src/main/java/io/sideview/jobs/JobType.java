package io.sideview.jobs;

/** What a job does. */
public enum JobType {
    /** History copy of a captured table into a view, per shard (run by the shard's engine). */
    BACKFILL,
    /** Fills an index added by a later revision for the edges written before it. */
    INDEX_BUILD,
    /** Checks every node's count and index records against its state records, and the two sides against each other. */
    VERIFY,
    /** Rewrites every node's count and index records from its state records. */
    REBUILD
}
