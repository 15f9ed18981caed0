package io.sideview.jobs.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which nodes a SOURCE_VERIFY or REPAIR covers: every node (all fields null), the nodes whose id lies
 * in [{@code from}, {@code to}] (either bound may be open; ids of the view's source type: Long or
 * String), or a random {@code sample} of that many nodes. Stored with the job as its {@code params}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobScope(Object from, Object to, Long sample) {
    public static final JobScope EVERY = new JobScope(null, null, null);

    public boolean every() {
        return from == null && to == null && sample == null;
    }

    /** Whether {@code node} is in the range (a sample's nodes are drawn from every node). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public boolean inRange(Object node) {
        return (from == null || ((Comparable) from).compareTo(node) <= 0)
                && (to == null || ((Comparable) to).compareTo(node) >= 0);
    }
}
