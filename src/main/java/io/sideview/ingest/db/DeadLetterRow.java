package io.sideview.ingest.db;

import io.sideview.ingest.DeadLetterKind;
import io.sideview.ingest.DeadLetterStatus;

/** A row of {@code dead_letters}; payload is a captured row change as JSON, or a WAL record as hex ({@code kind}). */
public record DeadLetterRow(long id, Long viewId, String viewName, DeadLetterKind kind, String shard, String position, String reason, String payload,
                            DeadLetterStatus status, int attempts, long createdAt, long updatedAt) {}
