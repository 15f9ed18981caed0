package io.sideview.edge;

import io.sideview.storage.KeyValue;
import io.sideview.storage.KvStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a view holds for one node side, read for a comparison with the source: every state record
 * (active or not) by the edge's other end, the committed count, the derived-record check of
 * {@link NodeAudit} (verify mode), and, when asked and the view keeps both sides, the twin state of
 * each edge on the other side (null where absent). Read it on the node side's lane
 * ({@link EdgeWriter#exclusive}), so no apply of this node side interleaves; twins belong to other
 * lanes and may be caught mid-apply, which the caller must allow for.
 */
public record NodeSnapshot(Map<Object, EdgeState> states, long count, NodeAudit.Report audit, Map<Object, EdgeState> twins) {

    public static NodeSnapshot read(KvStore store, ViewLayout layout, Side side, Object node, Collection<Object> twinsOf) {
        List<KeyValue> rows = new ArrayList<>();
        NodeAudit.Report audit = NodeAudit.run(store, layout, side, node, layout.definition().indexes(), true, false, false, rows);
        Map<Object, EdgeState> states = new HashMap<>();
        for (KeyValue row : rows) {
            RecordCodec.DecodedEdge d = RecordCodec.decodeEdge(row.value());
            states.put(d.other(), d.state());
        }
        Map<Object, EdgeState> twins = new HashMap<>();
        if (twinsOf != null && Side.sidesOf(layout.definition().direction()).size() == 2) {
            Set<Object> others = new LinkedHashSet<>(states.keySet());
            others.addAll(twinsOf);
            List<Object> order = new ArrayList<>(others);
            List<byte[]> keys = new ArrayList<>(order.size());
            for (Object other : order) {
                keys.add(layout.stateKey(side.opposite(), other, node));
            }
            List<byte[]> values = keys.isEmpty() ? List.of() : store.multiGet(keys);
            for (int i = 0; i < order.size(); i++) {
                twins.put(order.get(i), values.get(i) == null ? null : RecordCodec.decodeEdge(values.get(i)).state());
            }
        }
        return new NodeSnapshot(states, audit.countStored(), audit, twins);
    }
}
