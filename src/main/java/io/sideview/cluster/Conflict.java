package io.sideview.cluster;

import io.sideview.cluster.db.NodeRow;

/** A live registered node this node must not run beside, and why. */
public record Conflict(NodeRow other, String reason) {}
