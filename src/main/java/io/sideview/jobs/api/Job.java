package io.sideview.jobs.api;

import io.sideview.jobs.JobState;
import io.sideview.jobs.JobType;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A job as the API shows it. {@code total} is null while unknown; {@code percent}, {@code ratePerSecond}
 * and {@code etaSeconds} are derived from done, total and the time since the start (null when they
 * cannot be yet). {@code params} are the options the client gave (null: none), {@code lastNode} the last node a
 * node-by-node job finished; {@code result} holds the findings of a finished job, or its error; {@code owner}
 * the Sideview node that holds (runs or queued) it, or held it last.
 */
public record Job(long id, JobType type, String view, String detail, JobState state, Long total, long done,
                  Double percent, Double ratePerSecond, Long etaSeconds, JsonNode params, String lastNode, JsonNode result, Instant createdAt,
                  Instant startedAt, Instant updatedAt, Instant finishedAt, String owner) {}
