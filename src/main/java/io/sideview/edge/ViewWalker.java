package io.sideview.edge;

import io.sideview.storage.Bytes;
import io.sideview.storage.KeyRange;
import io.sideview.storage.KeyValue;
import io.sideview.storage.KvStore;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Walks every node of one side of a view: the union of the nodes that have state, index or count
 * records, each once, in key order within each salt bucket. A node whose only records are orphaned
 * index rows or a stray count row is visited too, so a verify sees every kind of drift.
 */
public final class ViewWalker {
    private static final int PAGE = 1000;

    private ViewWalker() {}

    /** Nodes with a count row (every node ever written has one): the denominator of a walk's progress. */
    public static long estimateNodes(KvStore store, ViewLayout layout, Side side) {
        long[] n = {0};
        forEachCountRow(store, layout, side, row -> n[0]++);
        return n[0];
    }

    /** Sums of one side's committed count rows: nodes with at least one edge, and edges. */
    public record Totals(long nodes, long edges) {}

    public static Totals totals(KvStore store, ViewLayout layout, Side side) {
        long[] sums = {0, 0};
        forEachCountRow(store, layout, side, row -> {
            long c = RecordCodec.decodeCount(row.value()).count();
            if (c > 0) {
                sums[0]++;
                sums[1] += c;
            }
        });
        return new Totals(sums[0], sums[1]);
    }

    private static void forEachCountRow(KvStore store, ViewLayout layout, Side side, Consumer<KeyValue> action) {
        for (byte[] salt : layout.saltPrefixes()) {
            KeyRange range = KeyRange.prefix(layout.typePrefix(salt, side, RecordType.COUNT));
            byte[] start = range.start();
            while (true) {
                List<KeyValue> page = store.scan(new KeyRange(start, range.end()), false, PAGE);
                page.forEach(action);
                if (page.size() < PAGE) {
                    break;
                }
                start = NodeAudit.next(page.get(page.size() - 1).key());
            }
        }
    }

    /** Calls {@code visitor} with each node; stops early when it returns false. Returns false if stopped. */
    public static boolean forEachNode(KvStore store, ViewLayout layout, Side side, Predicate<Object> visitor) {
        for (byte[] salt : layout.saltPrefixes()) {
            Cursor[] cursors = {
                new Cursor(store, layout, side, salt, RecordType.STATE),
                new Cursor(store, layout, side, salt, RecordType.INDEX),
                new Cursor(store, layout, side, salt, RecordType.COUNT),
            };
            while (true) {
                Cursor least = null;
                for (Cursor c : cursors) {
                    if (c.nodeBytes != null && (least == null || Arrays.compareUnsigned(c.nodeBytes, least.nodeBytes) < 0)) {
                        least = c;
                    }
                }
                if (least == null) {
                    break;
                }
                byte[] current = least.nodeBytes;
                Object node = least.node;
                for (Cursor c : cursors) {
                    if (c.nodeBytes != null && Arrays.equals(c.nodeBytes, current)) {
                        c.advance();
                    }
                }
                if (!visitor.test(node)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The distinct nodes of one record type in one bucket, in key order. Reads a page of keys at a
     * time and takes every node in it, then goes on after the page's last node (skipping the rest of
     * its records): one scan per page of small nodes, at most one per node with a page of records or
     * more. On HBase a scan is a round trip (and a scanner opened on the region), so scanning one key
     * per node made listing the nodes of a large view take most of a verify.
     */
    private static final class Cursor {
        private static final int PAGE = 512;
        private final KvStore store;
        private final ViewLayout layout;
        private final Side side;
        private final byte[] prefix;
        private final byte[] end;
        private byte[] start;
        private final ArrayDeque<byte[]> keys = new ArrayDeque<>();
        byte[] nodeBytes;
        Object node;

        Cursor(KvStore store, ViewLayout layout, Side side, byte[] salt, RecordType type) {
            this.store = store;
            this.layout = layout;
            this.side = side;
            this.prefix = layout.typePrefix(salt, side, type);
            this.end = Bytes.successor(prefix);
            this.start = prefix;
            advance();
        }

        void advance() {
            if (keys.isEmpty()) {
                fill();
            }
            byte[] key = keys.poll();
            if (key == null) {
                nodeBytes = null;
                return;
            }
            ViewLayout.NodeAt at = layout.nodeAt(key, side);
            nodeBytes = Arrays.copyOfRange(key, prefix.length, at.end());
            node = at.node();
        }

        /** The first key of each node of the next page; the next page starts after its last node. */
        private void fill() {
            if (start == null) {
                return;
            }
            List<KeyValue> page = store.scan(new KeyRange(start, end), false, PAGE);
            byte[] last = null;
            for (KeyValue kv : page) {
                byte[] nodeOf = Arrays.copyOfRange(kv.key(), prefix.length, layout.nodeAt(kv.key(), side).end());
                if (last == null || !Arrays.equals(last, nodeOf)) {
                    keys.add(kv.key());
                    last = nodeOf;
                }
            }
            // Past every record of the page's last node: the successor of its id (ids are prefix-free encodings).
            byte[] after = last == null || page.size() < PAGE ? null : Bytes.successor(last);
            start = after == null ? null : Bytes.concat(prefix, after);
        }
    }

    /**
     * The view ids that have records in storage, ascending per salt bucket: one seek per view and
     * bucket, whatever the number of records. Id 0 is not a view (the intake log lives under it).
     */
    public static java.util.SortedSet<Long> storedViewIds(KvStore store, int saltBuckets) {
        java.util.SortedSet<Long> ids = new java.util.TreeSet<>();
        for (byte[] salt : ViewLayout.saltPrefixes(saltBuckets)) {
            byte[] from = Bytes.concat(salt, ViewLayout.viewIdBytes(1));
            byte[] end = Bytes.successor(salt);
            while (true) {
                List<KeyValue> first = store.scan(new KeyRange(from, end), false, 1);
                if (first.isEmpty() || first.get(0).key().length < salt.length + 4) {
                    break;
                }
                long id = java.nio.ByteBuffer.wrap(first.get(0).key(), salt.length, 4).getInt() & 0xFFFFFFFFL;
                ids.add(id);
                if (id == 0xFFFFFFFFL) {
                    break;
                }
                from = Bytes.concat(salt, ViewLayout.viewIdBytes(id + 1));
            }
        }
        return ids;
    }


    /** The committed edge counts of {@code nodes} on {@code side}, in their order (0 where a node has none). */
    public static long[] counts(KvStore store, ViewLayout layout, Side side, List<Object> nodes) {
        List<byte[]> keys = new java.util.ArrayList<>(nodes.size());
        for (Object node : nodes) {
            keys.add(layout.countKey(side, node));
        }
        List<byte[]> values = store.multiGet(keys);
        long[] out = new long[nodes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i) == null ? 0 : RecordCodec.decodeCount(values.get(i)).count();
        }
        return out;
    }
}
