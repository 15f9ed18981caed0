package io.sideview.ingest;

/** A dead letter waits for a retry (PENDING) or was applied by one (RESOLVED). */
public enum DeadLetterStatus {
    PENDING, RESOLVED
}
