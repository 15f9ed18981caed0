package io.sideview.edge;

import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.ViewDefinition;
import io.sideview.storage.codec.OrderedCodec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The state machine: {@code apply(state, mutation)} joins the mutation into the state. Join is
 * commutative, associative and idempotent, which is what makes apply exact under reordering,
 * duplicates and replays. Equal versions are decided by the values themselves (the greater
 * order-preserving encoding wins), never by arrival.
 */
public final class Transition {
    private Transition() {}

    public static EdgeState apply(EdgeState state, Mutation m, ViewDefinition view) {
        long v = m.version();
        return switch (m.type()) {
            case DELETE -> new EdgeState(state.insertVersion(), Math.max(state.deleteVersion(), v), state.properties());
            case UPDATE -> new EdgeState(state.insertVersion(), state.deleteVersion(), merge(state, m, view, false));
            case INSERT -> new EdgeState(Math.max(state.insertVersion(), v), state.deleteVersion(), merge(state, m, view, true));
        };
    }

    private static Map<Integer, PropertyValue> merge(EdgeState state, Mutation m, ViewDefinition view, boolean all) {
        Map<Integer, PropertyValue> out = new HashMap<>(state.properties());
        for (PropertyDef p : view.properties()) {
            boolean given = m.properties().containsKey(p.name());
            if (!given && !all) {
                continue;
            }
            Object value = given ? m.properties().get(p.name()) : p.defaultValue();
            PropertyValue incoming = new PropertyValue(m.version(), value);
            out.merge(p.id(), incoming, (old, neu) -> wins(neu, old, p) ? neu : old);
        }
        return out;
    }

    /**
     * The state that has seen what either state saw: the join of the two (max of each version, each
     * property register by {@link #wins}), what both sides of an edge hold once each applied every
     * mutation. A REBUILD writes it to both sides of an edge whose sides disagree.
     */
    public static EdgeState join(EdgeState a, EdgeState b, ViewDefinition view) {
        Map<Integer, PropertyValue> props = new HashMap<>(a.properties());
        Map<Integer, PropertyDef> defs = new HashMap<>();
        view.properties().forEach(p -> defs.put(p.id(), p));
        b.properties().forEach((id, theirs) -> props.merge(id, theirs, (mine, neu) -> {
            PropertyDef p = defs.get(id);
            // A property no longer defined is never read: keep either, deterministically by version.
            boolean newer = p == null ? neu.version() > mine.version() : wins(neu, mine, p);
            return newer ? neu : mine;
        }));
        return new EdgeState(Math.max(a.insertVersion(), b.insertVersion()), Math.max(a.deleteVersion(), b.deleteVersion()), props);
    }

    /** Last writer wins; on equal versions the greater encoded value, so any arrival order agrees. */
    static boolean wins(PropertyValue candidate, PropertyValue current, PropertyDef p) {
        if (candidate.version() != current.version()) {
            return candidate.version() > current.version();
        }
        byte[] a = OrderedCodec.encode(ViewLayout.valueType(p.type()), candidate.value(), true, false);
        byte[] b = OrderedCodec.encode(ViewLayout.valueType(p.type()), current.value(), true, false);
        return Arrays.compareUnsigned(a, b) > 0;
    }
}
