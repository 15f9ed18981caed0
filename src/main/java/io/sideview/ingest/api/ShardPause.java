package io.sideview.ingest.api;

import java.time.Instant;

/**
 * Why a shard's engine is held stopped: {@code by} who ({@code operator}), {@code via} which door (the
 * admin task or the REST endpoint), {@code since} when, and {@code position} the binlog position of the
 * last change applied before it stopped (null when none was).
 */
public record ShardPause(String by, String via, Instant since, String position) {
    public static final String OPERATOR = "operator";
}
