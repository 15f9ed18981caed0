package io.sideview.ops.api;

import java.time.Instant;
import java.util.Map;

/**
 * Size and freshness of one view. {@code edges} are the active edges (from the committed count
 * records of one side), {@code nodes} the nodes with at least one active edge per side kept.
 * {@code lagMs} is, for a captured view, the largest lag among the shards of its source group (null
 * when no shard has applied anything yet, or for an API-written view). Computed at
 * {@code computedAt}; answers are cached for a few seconds.
 */
public record ViewStats(String view, boolean captured, long edges, Map<String, Long> nodes, Long lagMs,
                        String sourceGroup, Instant computedAt) {}
