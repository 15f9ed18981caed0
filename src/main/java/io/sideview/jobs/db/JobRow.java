package io.sideview.jobs.db;

import io.sideview.jobs.JobState;
import io.sideview.jobs.JobType;

/**
 * A row of {@code jobs}; {@code result} is a JSON object (the job's findings or its error), {@code params}
 * the options a client gave (JSON, null when none), {@code lastNode} the last node a node-by-node job finished;
 * {@code owner} the Sideview node that holds it until {@code leaseExpires} (both null on rows from before leases);
 * {@code checkpoint} where a resumable job takes its work up again (its own JSON; null: from the start).
 */
public record JobRow(long id, JobType type, long viewId, String viewName, String detail, JobState state, Long total,
                     long done, String result, long createdAt, Long startedAt, long updatedAt, Long finishedAt,
                     String params, String lastNode, String owner, Long leaseExpires, String checkpoint) {}
