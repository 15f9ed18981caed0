package io.sideview.ingest;

/** What a shard's capture engine is doing, as the ingest status and health checks show it. */
public enum EngineState {
    STARTING, RETRYING, SNAPSHOT, STREAMING, IDLE, STOPPED,
    /** Streaming by its own account, but Debezium reports the binlog connection lost. */
    DISCONNECTED,
    /** The shard no longer has the binlog position the engine needs; waiting for an operator (LostPosition.WAIT). */
    POSITION_LOST,
    /** wal: kafka: another node runs this shard's engine (Kafka's group coordinator gave it the shard). */
    ELSEWHERE,
    /**
     * An operator stopped the engine on purpose (shard-pause): its offsets are committed, changes wait on
     * the shard until shard-resume. Healthy: a deliberate stop is not a fault (the check's message says so).
     */
    PAUSED;

    /** Up or on its way up (here or on another node), or held by an operator: not a failure the health check reports. */
    public boolean healthy() {
        return this == STREAMING || this == SNAPSHOT || this == IDLE || this == STARTING || this == ELSEWHERE
                || this == PAUSED;
    }
}
