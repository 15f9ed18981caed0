package io.sideview.registry.model;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The MySQL/MariaDB column types a binding may map, and which property types each can feed. */
public enum SqlType {
    TINYINT(PropertyType.BOOLEAN, PropertyType.INT, PropertyType.LONG),
    BOOLEAN(PropertyType.BOOLEAN),
    SMALLINT(PropertyType.INT, PropertyType.LONG),
    INT(PropertyType.INT, PropertyType.LONG),
    BIGINT(PropertyType.LONG),
    FLOAT(PropertyType.DOUBLE),
    DOUBLE(PropertyType.DOUBLE),
    DECIMAL(PropertyType.DOUBLE, PropertyType.STRING),
    CHAR(PropertyType.STRING),
    VARCHAR(PropertyType.STRING),
    TEXT(PropertyType.STRING);

    private final Set<PropertyType> feeds;

    SqlType(PropertyType... feeds) {
        this.feeds = Set.of(feeds);
    }

    public boolean canFeed(PropertyType type) {
        return feeds.contains(type);
    }

    public boolean isInteger() {
        return canFeed(PropertyType.LONG);
    }

    public static Optional<SqlType> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String upper = text.toUpperCase(Locale.ROOT);
        for (SqlType t : values()) {
            if (t.name().equals(upper)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
