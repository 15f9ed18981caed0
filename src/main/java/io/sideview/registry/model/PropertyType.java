package io.sideview.registry.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** Type of a view property. */
public enum PropertyType {
    BOOLEAN, INT, LONG, DOUBLE, STRING;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PropertyType> parse(String text) {
        for (PropertyType t : values()) {
            if (t.wireName().equals(text)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The id type a property of this type would be if used as a source or target id. */
    public static PropertyType of(IdType idType) {
        return idType == IdType.LONG ? LONG : STRING;
    }
}
