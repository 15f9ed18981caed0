package io.sideview.query;

/**
 * Query settings.
 *
 * @param cursorSecret key that signs scan cursors (at least 16 characters). Empty: a random key is
 *                     generated once and kept in the metadata DB, so cursors survive restarts and every
 *                     node sharing that DB accepts the others' cursors ({@link CursorSecrets}).
 * @param adjacencyCacheMb memory for the sorted target arrays of hot nodes (64+ edges), which mutual
 *                         intersects instead of walking rows; 0 turns it off. Exact: an array is used
 *                         only while its node's commit record is unchanged.
 */
public record QueryConfig(String cursorSecret, Integer adjacencyCacheMb) {
    public QueryConfig {
        cursorSecret = cursorSecret == null ? "" : cursorSecret;
        adjacencyCacheMb = adjacencyCacheMb == null ? 64 : adjacencyCacheMb;
        if (adjacencyCacheMb < 0 || adjacencyCacheMb > 1 << 16) {
            throw new IllegalArgumentException("query.adjacencyCacheMb must be 0..65536, got " + adjacencyCacheMb);
        }
    }

    public static QueryConfig defaults() {
        return new QueryConfig("", 64);
    }

    @Override
    public String toString() {
        return "QueryConfig[cursorSecret=" + (cursorSecret.isEmpty() ? "generated" : "***")
                + ", adjacencyCacheMb=" + adjacencyCacheMb + "]";
    }
}
