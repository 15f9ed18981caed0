package io.sideview.ops;

import io.dropwizard.util.Duration;

/**
 * Operator signals: readiness and the schedule of the checks Sideview configures itself.
 *
 * @param maxShardLag a shard whose changes reach the view later than this after their commit makes the
 *                    service not ready (its {@code cdc-<group>-<shard>} check fails); 0 turns the rule off
 * @param checkInterval how often each liveness and readiness check runs (the health block's schedule of
 *                      every check it does not configure itself); readiness follows a change within it
 */
public record OpsConfig(Duration maxShardLag, Duration checkInterval) {
    public OpsConfig {
        maxShardLag = maxShardLag == null ? Duration.seconds(60) : maxShardLag;
        checkInterval = checkInterval == null ? Duration.seconds(2) : checkInterval;
        if (maxShardLag.toMilliseconds() < 0) {
            throw new IllegalArgumentException("ops.maxShardLag must not be negative, got " + maxShardLag);
        }
        if (checkInterval.toMilliseconds() < 10) {
            throw new IllegalArgumentException("ops.checkInterval must be at least 10ms, got " + checkInterval);
        }
    }

    public static OpsConfig defaults() {
        return new OpsConfig(null, null);
    }
}
