package io.sideview.query.api;

import java.util.List;

/** Targets both nodes point to, in target order; {@code next} continues after the last one. */
public record MutualResponse(List<Object> targets, String next) {}
