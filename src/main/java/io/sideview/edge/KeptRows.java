package io.sideview.edge;

import io.sideview.edge.RecordCodec.CountRecord;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one apply lane knows storage holds for the node sides it wrote last: each one's committed
 * count row and the state rows it read or wrote (their stored bytes, or absent). A node side that
 * changes again then costs no storage read. Least recently used node sides go first, with their
 * states, once more than {@code maxNodes} node sides or {@code maxStates} states are kept.
 * Only the lane's thread uses it; {@link SideApplier} says when a kept row may no longer be trusted.
 */
final class KeptRows {
    /** A kept state row that storage does not hold. */
    static final byte[] ABSENT = new byte[0];

    private static final class Node {
        CountRecord count;
        final Map<Key, byte[]> states = new HashMap<>();
    }

    private final int maxNodes;
    private final int maxStates;
    private final LinkedHashMap<Key, Node> nodes = new LinkedHashMap<>(16, 0.75f, true);
    private long states;

    KeptRows(int maxNodes, int maxStates) {
        if (maxNodes < 0 || maxStates < 0) {
            throw new IllegalArgumentException("kept rows must be >= 0, were " + maxNodes + " and " + maxStates);
        }
        this.maxNodes = maxNodes;
        this.maxStates = maxStates;
    }

    /** The committed count row of a node side, or null when not kept. */
    CountRecord count(Key node) {
        Node n = nodes.get(node);
        return n == null ? null : n.count;
    }

    /** The stored bytes of a state row ({@link #ABSENT} when storage has none), or null when not kept. */
    byte[] state(Key node, Key stateKey) {
        Node n = nodes.get(node);
        return n == null ? null : n.states.get(stateKey);
    }

    /** Records what storage now holds for a node side: its committed count and some of its state rows. */
    void keep(Key node, CountRecord count, Map<Key, byte[]> stateRows) {
        if (maxNodes == 0) {
            return;
        }
        Node n = nodes.computeIfAbsent(node, k -> new Node());
        n.count = count;
        if (maxStates > 0) {
            for (Map.Entry<Key, byte[]> e : stateRows.entrySet()) {
                if (n.states.put(e.getKey(), e.getValue()) == null) {
                    states++;
                }
            }
        }
        Iterator<Node> eldest = nodes.values().iterator();
        while ((nodes.size() > maxNodes || states > maxStates) && eldest.hasNext()) {
            states -= eldest.next().states.size();
            eldest.remove();
        }
    }

    /** Forgets one node side (its count and states): another writer is about to touch it. */
    void forget(Key node) {
        Node n = nodes.remove(node);
        if (n != null) {
            states -= n.states.size();
        }
    }

    void clear() {
        nodes.clear();
        states = 0;
    }

    int nodeCount() {
        return nodes.size();
    }

    long stateCount() {
        return states;
    }

    /** Byte-array map key. */
    record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
