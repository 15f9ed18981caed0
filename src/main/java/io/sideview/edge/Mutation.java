package io.sideview.edge;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * One versioned change of an edge. Ids and property values are already of the view's types
 * (Long/String ids; Boolean, Integer, Long, Double, String values; null allowed where nullable).
 */
public record Mutation(MutationType type, Object source, Object target, long version, Map<String, Object> properties) {
    public Mutation {
        // HashMap copy: property values may be null (Map.copyOf refuses nulls).
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new HashMap<>(properties));
    }
}
