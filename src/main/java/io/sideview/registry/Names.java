package io.sideview.registry;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Identifier rules. View, property and index names reach storage keys, metrics and URLs; database,
 * table and column names reach SQL and Debezium include lists, so both are checked before use.
 */
public final class Names {
    /** Lower-case snake case: safe in URLs, metric names, topic names and JSON. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    public static final String NAME_RULE = "must match [a-z][a-z0-9_]{0,62}";
    /** Unquoted MySQL identifiers (no backticks needed, nothing to escape). */
    public static final Pattern SQL_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,63}");
    public static final String SQL_IDENTIFIER_RULE = "must be a plain SQL identifier matching [A-Za-z_][A-Za-z0-9_$]{0,63}";

    /** Words with a meaning of their own in the query API or in SQL; refused as names to avoid ambiguity. */
    public static final Set<String> RESERVED = Set.of(
            "source", "target", "version", "active", "direction", "properties", "index", "indexes",
            "cursor", "limit", "start", "range", "count", "select", "insert", "update", "delete", "from",
            "where", "table", "view", "views", "order", "group", "by", "null", "true", "false", "default",
            "and", "or", "not", "api", "admin");

    private Names() {}

    public static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    public static boolean isSqlIdentifier(String s) {
        return s != null && SQL_IDENTIFIER.matcher(s).matches();
    }
}
