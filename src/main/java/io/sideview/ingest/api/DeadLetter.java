package io.sideview.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.ingest.DeadLetterStatus;
import java.time.Instant;

/** A captured row that could not be applied: where it came from, why, and the row itself. */
public record DeadLetter(long id, String view, String shard, String position, String reason, DeadLetterStatus status,
                         int attempts, Instant createdAt, Instant updatedAt, JsonNode change) {}
