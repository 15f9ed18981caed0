package io.sideview.edge;

import java.util.Map;
import java.util.TreeMap;

/**
 * Everything known about one edge on one side. Each component is a join (max) of what events
 * brought, so the state after a set of events does not depend on their order or on duplicates:
 * {@code insertVersion} and {@code deleteVersion} are the largest INSERT and DELETE versions seen,
 * and each property is a last-writer-wins register keyed by the registry's property id.
 */
public record EdgeState(long insertVersion, long deleteVersion, Map<Integer, PropertyValue> properties) {
    /** No event of that kind seen. */
    public static final long NONE = Long.MIN_VALUE;
    public static final EdgeState EMPTY = new EdgeState(NONE, NONE, Map.of());

    public EdgeState {
        properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    /** Active when the newest INSERT is newer than the newest DELETE; a tie goes to DELETE. */
    public boolean active() {
        return insertVersion != NONE && insertVersion > deleteVersion;
    }

    /** The edge's version: the newest version of any event that shaped it. */
    public long version() {
        long v = Math.max(insertVersion, deleteVersion);
        for (PropertyValue p : properties.values()) {
            v = Math.max(v, p.version());
        }
        return v;
    }

    public Object value(int propertyId) {
        PropertyValue p = properties.get(propertyId);
        return p == null ? null : p.value();
    }
}
