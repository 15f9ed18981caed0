package io.sideview.edge.api;

import java.util.List;

/** One result per item, in request order. */
public record MutationResponse(List<MutationResult> results) {}
