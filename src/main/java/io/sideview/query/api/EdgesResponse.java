package io.sideview.query.api;

import io.sideview.edge.Edge;
import java.util.List;

/** Answer of get / multi-get: the active edges among the pairs asked for (absent pairs are left out). */
public record EdgesResponse(List<Edge> edges) {}
