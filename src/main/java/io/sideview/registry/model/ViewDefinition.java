package io.sideview.registry.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/**
 * A validated, normalized view definition with registry-allocated property and index ids. This is
 * what a revision stores and what the edge engine reads.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ViewDefinition(String name, String description, IdType sourceType, IdType targetType,
                             Direction direction, List<PropertyDef> properties, List<IndexDef> indexes,
                             Binding binding) {
    public ViewDefinition {
        properties = List.copyOf(properties);
        indexes = List.copyOf(indexes);
    }

    public Optional<PropertyDef> property(String propertyName) {
        return properties.stream().filter(p -> p.name().equals(propertyName)).findFirst();
    }

    public Optional<IndexDef> index(String indexName) {
        return indexes.stream().filter(i -> i.name().equals(indexName)).findFirst();
    }

    @JsonIgnore
    public boolean isCaptured() {
        return binding != null;
    }
}
