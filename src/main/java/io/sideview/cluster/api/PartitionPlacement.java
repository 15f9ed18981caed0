package io.sideview.cluster.api;

import java.util.List;

/**
 * A WAL partition some node said it applies, and the live nodes that say so now. {@code owner}: the only
 * one, else null; {@code orphaned}: only dead nodes claim it (the group has not given it to a live one yet).
 */
public record PartitionPlacement(int partition, String owner, List<String> owners, boolean orphaned) {}
