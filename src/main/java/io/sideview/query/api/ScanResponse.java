package io.sideview.query.api;

import io.sideview.edge.Edge;
import java.util.List;

/** A page of a scan; {@code next} is the cursor of the following page, null on the last one. */
public record ScanResponse(List<Edge> edges, String next) {}
