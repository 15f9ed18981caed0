package io.sideview.registry.model;

import java.util.Set;

/** One field of an index: a property name or a system field ({@code source}, {@code target}, {@code version}). */
public record IndexField(String field, SortOrder order) {
    public static final Set<String> SYSTEM_FIELDS = Set.of("source", "target", "version");
}
