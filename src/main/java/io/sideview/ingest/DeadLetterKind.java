package io.sideview.ingest;

/** What a dead letter's payload is, and so how a retry reads it. */
public enum DeadLetterKind {
    /** A captured row change (JSON of {@link RowChange}) that its view's binding could not map. */
    ROW_CHANGE,
    /** A WAL record (hex of its bytes) this build could not decode; a later build may. */
    WAL_RECORD
}
