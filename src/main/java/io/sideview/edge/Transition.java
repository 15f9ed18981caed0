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

    /** Last writer wins; on equal versions the greater encoded value, so any arrival order agrees. */
    static boolean wins(PropertyValue candidate, PropertyValue current, PropertyDef p) {
        if (candidate.version() != current.version()) {
            return candidate.version() > current.version();
        }
        byte[] a = OrderedCodec.encode(p.type(), candidate.value(), true, false);
        byte[] b = OrderedCodec.encode(p.type(), current.value(), true, false);
        return Arrays.compareUnsigned(a, b) > 0;
    }
}
