package io.sideview.edge;

/** What a mutation did to the visible edge. */
public enum ApplyStatus {
    CREATED, UPDATED, DELETED, IDLE;

    /** Judged on what readers see: activity, version and property values (not stale delete versions). */
    static ApplyStatus of(EdgeState before, EdgeState after) {
        if (!before.active()) {
            return after.active() ? CREATED : IDLE;
        }
        if (!after.active()) {
            return DELETED;
        }
        boolean same = before.version() == after.version()
                && before.properties().keySet().equals(after.properties().keySet())
                && before.properties().keySet().stream().allMatch(id ->
                        java.util.Objects.equals(before.value(id), after.value(id)));
        return same ? IDLE : UPDATED;
    }
}
