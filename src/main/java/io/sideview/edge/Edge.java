package io.sideview.edge;

import java.util.Map;

/** An active edge as readers see it: always the real source and target, whichever side it was read from. */
public record Edge(Object source, Object target, long version, Map<String, Object> properties) {}
