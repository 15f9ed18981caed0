package io.sideview.edge;

import io.sideview.registry.model.IndexDef;
import io.sideview.storage.KvStore;
import java.util.HashMap;
import java.util.Map;

/**
 * Plants drift straight into a view's records, as a bug or a lost write would leave them: what a
 * source verify must find and a repair must fix. Writes nothing but the named records.
 */
public final class Damage {
    private final KvStore store;
    private final ViewLayout layout;

    public Damage(KvStore store, ViewLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    /** Both sides' state records of the edge vanish; its index rows and counts stay. */
    public void dropEdge(Object source, Object target) {
        for (Side side : Side.sidesOf(layout.definition().direction())) {
            store.delete(layout.stateKey(side, side.node(source, target), side.other(source, target)));
        }
    }

    /** An active edge the source never had, on the OUT side only (state record only), at version 5. */
    public void ghost(Object source, Object target, Object likeTarget) {
        EdgeState like = state(Side.OUT, source, likeTarget);
        Map<Integer, PropertyValue> props = new HashMap<>();
        like.properties().forEach((id, v) -> props.put(id, new PropertyValue(5, v.value())));
        store.put(layout.stateKey(Side.OUT, source, target), RecordCodec.encodeEdge(target, new EdgeState(5, EdgeState.NONE, props)));
    }

    /** One side's state of the edge gets another value of {@code property}, at the versions it had. */
    public void property(Side side, Object source, Object target, String property, Object value) {
        EdgeState s = state(side, source, target);
        int id = layout.definition().property(property).orElseThrow().id();
        Map<Integer, PropertyValue> props = new HashMap<>(s.properties());
        long version = props.containsKey(id) ? props.get(id).version() : s.insertVersion();
        props.put(id, new PropertyValue(version, value));
        Object node = side.node(source, target);
        Object other = side.other(source, target);
        store.put(layout.stateKey(side, node, other), RecordCodec.encodeEdge(other, new EdgeState(s.insertVersion(), s.deleteVersion(), props)));
    }

    /** A node side's count row says {@code by} more than it holds. */
    public void count(Side side, Object node, long by) {
        byte[] key = layout.countKey(side, node);
        RecordCodec.CountRecord c = RecordCodec.decodeCount(store.get(key).orElse(null));
        store.put(key, RecordCodec.encodeCount(new RecordCodec.CountRecord(c.count() + by, c.appliedSeq(), null)));
    }

    /** An index row for an edge that has no state: copied from {@code likeTarget}'s, under another target. */
    public void staleIndexRow(Object source, Object target, Object likeTarget) {
        EdgeState like = state(Side.OUT, source, likeTarget);
        for (IndexDef index : layout.definition().indexes()) {
            store.put(layout.indexKey(Side.OUT, source, target, like, index), RecordCodec.encodeEdge(target, like));
        }
    }

    public EdgeState state(Side side, Object source, Object target) {
        byte[] v = store.get(layout.stateKey(side, side.node(source, target), side.other(source, target))).orElseThrow(
                () -> new IllegalStateException("no " + side + " state of " + source + " -> " + target));
        return RecordCodec.decodeEdge(v).state();
    }
}
