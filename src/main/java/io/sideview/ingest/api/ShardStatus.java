package io.sideview.ingest.api;

import io.sideview.ingest.EngineState;
import java.util.List;
import java.util.Map;

/**
 * One shard's capture engine: state (IDLE: nothing bound, STARTING, SNAPSHOT, STREAMING, RETRYING,
 * STOPPED), the tables it captures, the last binlog position applied, lag (commit on the shard to
 * applied, of the newest applied change; binlog time has 1 s resolution), events received but not yet
 * applied, rate, dead letters this engine produced since start, the recovery from a lost binlog
 * position while it runs (null otherwise), the history copy of each view, and who paused the engine
 * (state PAUSED; null otherwise).
 */
public record ShardStatus(String group, String shard, EngineState state, List<String> tables, String position,
                          Long lagMs, long lagEvents, double eventsPerSecond, long eventsApplied, long deadLetters,
                          String lastError, String recovery, Map<String, String> backfills,
                          ShardPause paused) {}
