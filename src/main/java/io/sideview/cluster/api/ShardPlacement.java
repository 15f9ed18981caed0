package io.sideview.cluster.api;

import java.util.List;

/**
 * A configured shard ({@code group/shard}) and the live nodes that say they run its engine: one in the
 * steady state, two for a moment during a handover. {@code owner}: the only one, else null.
 * {@code orphaned}: no live node runs it (and every live node said what it runs).
 */
public record ShardPlacement(String shard, String group, String name, String owner, List<String> owners,
                             boolean orphaned) {}
