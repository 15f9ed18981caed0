package io.sideview.registry.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A typed property of a view. {@code id} is allocated by the registry and never changes or is reused
 * within the view, so storage can key on it and renames stay free. {@code defaultValue} is coerced to
 * the Java type of {@code type} so that a definition read back from JSON equals the one written.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PropertyDef(int id, String name, PropertyType type, boolean nullable,
                          @JsonProperty("default") Object defaultValue) {
    public PropertyDef {
        if (defaultValue instanceof Number n && type != null) {
            defaultValue = switch (type) {
                case INT -> n.intValue();
                case LONG -> n.longValue();
                case DOUBLE -> n.doubleValue();
                default -> defaultValue;
            };
        }
    }

    public PropertyDef withId(int newId) {
        return new PropertyDef(newId, name, type, nullable, defaultValue);
    }
}
