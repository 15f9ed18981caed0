package io.sideview.jobs.db;

/** A row of {@code jobs}; {@code result} is a JSON object (the job's findings or its error). */
public record JobRow(long id, String type, long viewId, String viewName, String detail, String state, Long total,
                     long done, String result, long createdAt, Long startedAt, long updatedAt, Long finishedAt) {}
