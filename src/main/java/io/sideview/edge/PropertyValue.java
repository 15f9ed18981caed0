package io.sideview.edge;

/** A property's value with the version that wrote it: a last-writer-wins register. */
public record PropertyValue(long version, Object value) {}
