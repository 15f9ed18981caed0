package io.sideview.ingest;

/**
 * What an engine does when the shard no longer has the binlog position it must resume from (the
 * binary logs were purged while it was away): {@code RECOPY} starts a new stream from the shard's
 * current position, copies the shard's views again and repairs them against the source, by itself;
 * {@code WAIT} stops the engine (state {@code POSITION_LOST}, unhealthy) until an operator asks for
 * that ({@code POST /api/v1/ingest/shards/{group}/{shard}/recover}).
 */
public enum LostPosition {
    RECOPY, WAIT;

    /**
     * Messages that say the position is gone: Debezium's own check before streaming, and the server's
     * error 1236 for a purged GTID state (MariaDB) or binlog file (MySQL).
     */
    private static final java.util.List<String> PURGED = java.util.List.of(
            "no longer available on the server",
            "required binlog files have been purged",
            "Could not find first log file name in binary log index file");

    /** A failure caused by a purged position (MySQL and MariaDB connectors, file or GTID positions). */
    static boolean isCause(Throwable t) {
        return reason(t) != null;
    }

    /** The message that says the position is gone, or null when {@code t} is another failure. */
    static String reason(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && PURGED.stream().anyMatch(m::contains)) {
                return m;
            }
        }
        return null;
    }
}
