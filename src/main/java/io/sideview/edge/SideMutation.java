package io.sideview.edge;

/**
 * The write path's unit of work: one mutation of one side of an edge, under that side's node. Only
 * {@link SideRouter} makes them, so which node a side lives under is decided in one place. The lanes,
 * the WAL and the intake log all carry this.
 */
public record SideMutation(ViewLayout layout, Side side, Object node, Mutation mutation) {
    public long storageId() {
        return layout.storageId();
    }

    /** The edge's other end, as seen from {@link #node()}. */
    public Object other() {
        return side.other(mutation.source(), mutation.target());
    }

    /** The same side mutation applied with another layout of its view (a newer revision). */
    public SideMutation withLayout(ViewLayout newer) {
        return newer == layout ? this : new SideMutation(newer, side, node, mutation);
    }
}
