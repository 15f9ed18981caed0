package io.sideview.edge;

import io.sideview.edge.RecordCodec.DecodedEdge;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.IndexDef;
import io.sideview.registry.model.PropertyDef;
import io.sideview.storage.Bytes;
import io.sideview.storage.KeyRange;
import io.sideview.storage.KeyValue;
import io.sideview.storage.KvStore;
import io.sideview.storage.codec.OrderedCodec;
import io.sideview.storage.codec.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads: every query is a multi-get or one range scan over records written at apply time. */
public class EdgeReader {
    /** Rows read per storage round trip when scanning past inactive edges or intersecting. */
    private static final int CHUNK = 512;

    private final KvStore store;
    private final AdjacencyCache adjacency;

    public EdgeReader(KvStore store) {
        this(store, 0);
    }

    /** {@code adjacencyCacheBytes}: memory for the sorted target arrays of hot nodes (0: none). */
    public EdgeReader(KvStore store, long adjacencyCacheBytes) {
        this.store = store;
        this.adjacency = new AdjacencyCache(adjacencyCacheBytes);
    }

    /** Active edges among sources x targets, read from the OUT side (the IN side for IN-only views). */
    public List<Edge> get(ViewLayout layout, List<Object> sources, List<Object> targets) {
        Side side = Side.sidesOf(layout.definition().direction()).get(0);
        List<byte[]> keys = new ArrayList<>(sources.size() * targets.size());
        for (Object s : sources) {
            for (Object t : targets) {
                keys.add(layout.stateKey(side, side.node(s, t), side.other(s, t)));
            }
        }
        List<byte[]> values = store.multiGet(keys);
        List<Edge> edges = new ArrayList<>();
        int i = 0;
        for (Object s : sources) {
            for (Object t : targets) {
                byte[] v = values.get(i++);
                if (v != null) {
                    EdgeState state = RecordCodec.decodeEdge(v).state();
                    if (state.active()) {
                        edges.add(edge(layout, s, t, state));
                    }
                }
            }
        }
        return edges;
    }

    public List<Long> counts(ViewLayout layout, Side side, List<Object> nodes) {
        List<byte[]> keys = nodes.stream().map(n -> layout.countKey(side, n)).toList();
        return store.multiGet(keys).stream().map(v -> RecordCodec.decodeCount(v).count()).toList();
    }

    /** A page of edges and, when more may follow, the key to continue after. */
    public record Page<T>(List<T> items, byte[] lastKey) {}

    /**
     * Edges of {@code node} in index order within {@code range} (which lies inside the index prefix),
     * or, without an index, in order of the other node's id (state rows, skipping deleted edges).
     */
    /** A page of a node side's active edges: by {@code index} within {@code part}, or by state rows (other node order) when {@code index} is null. */
    public Page<Edge> scan(ViewLayout layout, Side side, Object node, IndexDef index, IndexRange part, byte[] after, int limit) {
        KeyRange range = index == null ? stateRange(layout, side, node) : part.keys(layout, side, node, index);
        KeyRange effective = after == null ? range : new KeyRange(max(range.start(), successor(after)), range.end());
        List<Edge> edges = new ArrayList<>(limit);
        byte[] last = null;
        boolean more = false;
        while (true) {
            // Index rows are all active: one read of limit + 1 decides "more". State rows may be tombstones.
            int batch = index != null ? limit + 1 : Math.max(CHUNK, limit + 1);
            List<KeyValue> rows = store.scan(effective, false, batch);
            for (KeyValue row : rows) {
                DecodedEdge d = RecordCodec.decodeEdge(row.value());
                if (!d.state().active()) {
                    last = row.key();
                    continue;
                }
                if (edges.size() == limit) {
                    more = true;
                    break;
                }
                Object source = side.source(node, d.other());
                Object target = side.target(node, d.other());
                edges.add(edge(layout, source, target, d.state()));
                last = row.key();
            }
            if (more || rows.size() < batch) {
                break;
            }
            effective = new KeyRange(successor(rows.get(rows.size() - 1).key()), effective.end());
        }
        return new Page<>(edges, more ? last : null);
    }

    /** Scan range of a node's state rows (for scans without an index and for mutual). */
    private static KeyRange stateRange(ViewLayout layout, Side side, Object node) {
        return KeyRange.prefix(layout.prefix(side, RecordType.STATE, node));
    }

    /**
     * Targets that both {@code a} and {@code b} point to (active OUT edges), in target order: a merge
     * of the two nodes' state rows, both sorted by target. {@code after} is the last target's encoding.
     */
    public Page<Object> mutual(ViewLayout layout, Object a, Object b, byte[] after, int limit) {
        if (adjacency.enabled() && layout.definition().targetType() == IdType.LONG) {
            long[] ta = cachedTargets(layout, a);
            long[] tb = ta == null ? null : cachedTargets(layout, b);
            if (ta != null && tb != null) {
                return intersect(ta, tb, after, limit);
            }
        }
        byte[] prefixA = layout.prefix(Side.OUT, RecordType.STATE, a);
        byte[] prefixB = layout.prefix(Side.OUT, RecordType.STATE, b);
        Cursor ca = new Cursor(prefixA, after);
        Cursor cb = new Cursor(prefixB, after);
        List<Object> out = new ArrayList<>();
        byte[] lastSuffix = null;
        while (ca.current() != null && cb.current() != null) {
            byte[] ka = ca.current().key();
            byte[] kb = cb.current().key();
            int c = Arrays.compareUnsigned(ka, prefixA.length, ka.length, kb, prefixB.length, kb.length);
            if (c < 0) {
                ca.advance();
            } else if (c > 0) {
                cb.advance();
            } else {
                if (out.size() == limit) {
                    return new Page<>(out, lastSuffix);
                }
                out.add(RecordCodec.decodeEdge(ca.current().value()).other());
                lastSuffix = ca.suffix();
                ca.advance();
                cb.advance();
            }
        }
        return new Page<>(out, null);
    }

    /**
     * The node's active targets, sorted, from the cache or read and cached; null when the node is
     * small, or an apply is in flight on it, or it changed while being read (then the caller walks rows).
     */
    private long[] cachedTargets(ViewLayout layout, Object node) {
        byte[] countKey = layout.countKey(Side.OUT, node);
        RecordCodec.CountRecord before = RecordCodec.decodeCount(store.get(countKey).orElse(null));
        if (before.intent() != null || before.count() < AdjacencyCache.MIN_DEGREE) {
            return null;
        }
        long[] ids = adjacency.get(countKey, before.appliedSeq());
        if (ids != null) {
            return ids;
        }
        ids = new long[(int) Math.min(before.count(), 1 << 24)];
        int n = 0;
        Cursor c = new Cursor(layout.prefix(Side.OUT, RecordType.STATE, node), null);
        while (c.current() != null) {
            if (n == ids.length) {
                return null;
            }
            ids[n++] = (Long) RecordCodec.decodeEdge(c.current().value()).other();
            c.advance();
        }
        RecordCodec.CountRecord afterRead = RecordCodec.decodeCount(store.get(countKey).orElse(null));
        if (n != ids.length || afterRead.intent() != null || afterRead.appliedSeq() != before.appliedSeq()) {
            return null;
        }
        adjacency.put(countKey, before.appliedSeq(), ids);
        return ids;
    }

    /** Sorted-array intersection from just after the cursor's target, in the same cursor format as the row walk. */
    private static Page<Object> intersect(long[] a, long[] b, byte[] after, int limit) {
        int i = 0;
        int j = 0;
        if (after != null) {
            long last = (Long) OrderedCodec.read(new OrderedCodec.Reader(after, 0),
                    ValueType.LONG, false, false);
            i = firstAbove(a, last);
            j = firstAbove(b, last);
        }
        List<Object> out = new ArrayList<>(Math.min(limit, 1024));
        long lastId = 0;
        while (i < a.length && j < b.length) {
            if (a[i] < b[j]) {
                i++;
            } else if (a[i] > b[j]) {
                j++;
            } else {
                if (out.size() == limit) {
                    return new Page<>(out, ViewLayout.id(IdType.LONG, lastId));
                }
                lastId = a[i];
                out.add(lastId);
                i++;
                j++;
            }
        }
        return new Page<>(out, null);
    }

    private static int firstAbove(long[] sorted, long value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Walks one node's active state rows in chunks. */
    private final class Cursor {
        private final byte[] prefix;
        private final byte[] end;
        private List<KeyValue> chunk = List.of();
        private int at;
        private byte[] nextStart;
        private boolean exhausted;

        Cursor(byte[] prefix, byte[] afterSuffix) {
            this.prefix = prefix;
            this.end = Bytes.successor(prefix);
            this.nextStart = afterSuffix == null ? prefix : successor(Bytes.concat(prefix, afterSuffix));
            skipInactive();
        }

        KeyValue current() {
            return at < chunk.size() ? chunk.get(at) : null;
        }

        byte[] suffix() {
            byte[] key = current().key();
            return Arrays.copyOfRange(key, prefix.length, key.length);
        }

        void advance() {
            at++;
            skipInactive();
        }

        private void skipInactive() {
            while (true) {
                if (at >= chunk.size()) {
                    if (exhausted) {
                        return;
                    }
                    chunk = store.scan(new KeyRange(nextStart, end), false, CHUNK);
                    at = 0;
                    exhausted = chunk.size() < CHUNK;
                    if (!chunk.isEmpty()) {
                        nextStart = successor(chunk.get(chunk.size() - 1).key());
                    }
                    if (chunk.isEmpty()) {
                        return;
                    }
                }
                if (RecordCodec.isActive(chunk.get(at).value())) {
                    return;
                }
                at++;
            }
        }
    }

    private static Edge edge(ViewLayout layout, Object source, Object target, EdgeState state) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (PropertyDef p : layout.definition().properties()) {
            props.put(p.name(), ViewLayout.valueOf(p, state));
        }
        return new Edge(source, target, state.version(), props);
    }

    /** The smallest key greater than {@code key}. */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    private static byte[] max(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }
}
