package io.sideview.query;

/**
 * Query settings.
 *
 * @param cursorSecret key that signs scan cursors (at least 16 characters). Empty: a random key is
 *                     generated once and kept in {@code <dataDir>/cursor.key}, so cursors survive restarts.
 *                     Set the same value on every node that serves the same views.
 */
public record QueryConfig(String cursorSecret) {
    public QueryConfig {
        cursorSecret = cursorSecret == null ? "" : cursorSecret;
    }

    public static QueryConfig defaults() {
        return new QueryConfig("");
    }

    @Override
    public String toString() {
        return "QueryConfig[cursorSecret=" + (cursorSecret.isEmpty() ? "generated" : "***") + "]";
    }
}
