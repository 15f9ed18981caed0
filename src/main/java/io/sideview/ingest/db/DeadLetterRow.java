package io.sideview.ingest.db;

/** A row of {@code dead_letters}; payload is the captured row change as JSON. */
public record DeadLetterRow(long id, String viewName, String shard, String position, String reason, String payload,
                            String status, int attempts, long createdAt, long updatedAt) {}
