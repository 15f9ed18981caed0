package io.sideview.ingest;

/** What a shard's capture engine is doing, as the ingest status and health checks show it. */
public enum EngineState {
    STARTING, RETRYING, SNAPSHOT, STREAMING, IDLE, STOPPED,
    /** Streaming by its own account, but Debezium reports the binlog connection lost. */
    DISCONNECTED,
    /** The shard no longer has the binlog position the engine needs; waiting for an operator (LostPosition.WAIT). */
    POSITION_LOST;

    /** Up or on its way up: not a failure the health check reports. */
    public boolean healthy() {
        return this == STREAMING || this == SNAPSHOT || this == IDLE || this == STARTING;
    }
}
