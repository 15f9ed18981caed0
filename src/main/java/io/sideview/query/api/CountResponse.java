package io.sideview.query.api;

import java.util.List;

/** Active-edge counts, one per start node asked for, in request order. */
public record CountResponse(List<NodeCount> counts) {
    public record NodeCount(Object start, String direction, long count) {}
}
