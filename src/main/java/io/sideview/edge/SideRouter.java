package io.sideview.edge;

import java.util.ArrayList;
import java.util.List;

/** Turns a mutation into the side mutations its view keeps (from the view's direction), OUT first. */
public final class SideRouter {
    private SideRouter() {
    }

    public static List<SideMutation> route(ViewLayout layout, Mutation m) {
        List<Side> sides = Side.sidesOf(layout.definition().direction());
        List<SideMutation> out = new ArrayList<>(sides.size());
        for (Side side : sides) {
            out.add(route(layout, side, m));
        }
        return out;
    }

    /** One given side (the caller knows the view keeps it). */
    public static SideMutation route(ViewLayout layout, Side side, Mutation m) {
        return new SideMutation(layout, side, side.node(m.source(), m.target()), m);
    }
}
