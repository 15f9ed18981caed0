package io.sideview.edge;

import io.sideview.edge.RecordCodec.CountRecord;
import io.sideview.edge.RecordCodec.Intent;
import io.sideview.registry.model.IndexDef;
import io.sideview.storage.KvStore;
import io.sideview.storage.Write;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a mutation to one side of one edge, crash-exactly, with single-row writes only (design §4).
 * The caller guarantees a single writer per (view, side, node): no lock rows are needed.
 *
 * <p>The node's count row is the commit record: {@code count, appliedSeq} and, while an apply is in
 * flight, an intent holding every write of that apply and its count delta. Steps:
 * <ol>
 *   <li>read the count row; if it holds an intent, a previous apply crashed: finish it first;</li>
 *   <li>read the edge state, join the mutation in; unchanged means IDLE and no write at all;</li>
 *   <li>put the count row with the intent (old count, old seq);</li>
 *   <li>make the state and index writes (idempotent puts and deletes);</li>
 *   <li>put the count row {@code count + delta, seq + 1}, no intent: committed.</li>
 * </ol>
 * A crash before 3 leaves nothing; between 3 and 5 the intent is redone whole by the next apply on
 * that node (the replayed mutation then finds its state already joined: IDLE); after 5 the state
 * already contains the mutation, so its replay is IDLE. The count never moves twice.
 *
 * <p>Step 1 is served from memory when it can: an applier keeps the committed count rows it read or
 * wrote (a bounded LRU). It is the only writer of its node sides, so what it committed last is what
 * storage holds. Whatever could make a kept row differ from storage drops it: a failed batch (its
 * intents may be in storage) drops them all, {@link #forget} drops one before another writer (a job
 * step on the lane) touches its node side, {@link #forgetAll} before the lane's node sides may have
 * had another writer (a WAL partition moving between processes). This read was the hot spot of
 * applies on HBase: a count row is rewritten twice per batch, and HBase reads its memstore versions.
 */
public final class SideApplier {
    /** How a mutation joins into a state; {@link Transition#apply} in production, swappable in tests. */
    @FunctionalInterface
    public interface StateFunction {
        EdgeState apply(EdgeState state, Mutation m, io.sideview.registry.model.ViewDefinition view);
    }

    /** Committed count rows kept per applier unless told otherwise (~150 bytes each). */
    public static final int DEFAULT_KEPT_COUNTS = 65_536;

    private final KvStore store;
    private final StateFunction transition;
    private final boolean recordIntent;
    private final boolean forgetOnFailure;
    private final KeptCounts kept;

    public SideApplier(KvStore store) {
        this(store, DEFAULT_KEPT_COUNTS);
    }

    /** {@code keptCounts}: how many committed count rows to keep in memory (0: read every one). */
    public SideApplier(KvStore store, int keptCounts) {
        this(store, Transition::apply, true, true, keptCounts);
    }

    /**
     * Tests only: {@code recordIntent = false} skips the commit protocol (writes, then count) so the
     * crash test can show it would catch a non-exact apply.
     */
    SideApplier(KvStore store, StateFunction transition, boolean recordIntent) {
        this(store, transition, recordIntent, true, DEFAULT_KEPT_COUNTS);
    }

    /** Tests only: {@code forgetOnFailure = false} keeps the count rows over a failed batch (a defect). */
    SideApplier(KvStore store, StateFunction transition, boolean recordIntent, boolean forgetOnFailure, int keptCounts) {
        if (keptCounts < 0) {
            throw new IllegalArgumentException("keptCounts must be >= 0, was " + keptCounts);
        }
        this.store = store;
        this.transition = transition;
        this.recordIntent = recordIntent;
        this.forgetOnFailure = forgetOnFailure;
        this.kept = new KeptCounts(keptCounts);
    }

    /** Drops the kept count row of one node side: another writer is about to touch it. */
    public void forget(byte[] countKey) {
        kept.remove(new Key(countKey));
    }

    /** Drops every kept count row. */
    public void forgetAll() {
        kept.clear();
    }

    /** An access-ordered LRU of committed count rows (no intent). One thread uses it: the lane's. */
    private static final class KeptCounts extends LinkedHashMap<Key, CountRecord> {
        private final int capacity;

        KeptCounts(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        void keep(Key key, CountRecord committed) {
            if (capacity > 0) {
                put(key, committed);
            }
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, CountRecord> eldest) {
            return size() > capacity;
        }
    }

    /** One mutation of one side of an edge. */
    public record Item(ViewLayout layout, Side side, Mutation mutation) {
        Object node() {
            return side == Side.OUT ? mutation.source() : mutation.target();
        }

        Object other() {
            return side == Side.OUT ? mutation.target() : mutation.source();
        }
    }

    public ApplyStatus apply(ViewLayout layout, Side side, Mutation m) {
        return applyAll(List.of(new Item(layout, side, m))).get(0);
    }

    /**
     * Applies a batch with the same protocol, per node side, in a fixed number of storage round trips
     * (two multi-gets and three batch writes, whatever the batch size): every node side's intent is
     * written before any of its writes, and its commit after all of them, so each node side stays
     * crash-exact on its own. Items of one node side are applied in the order given; the caller is
     * the single writer of every node side in the batch.
     */
    public List<ApplyStatus> applyAll(List<Item> items) {
        try {
            return applyBatch(items);
        } catch (RuntimeException e) {
            // Any intent of this batch may be in storage now: only storage knows the rows again.
            if (forgetOnFailure) {
                kept.clear();
            }
            throw e;
        }
    }

    private List<ApplyStatus> applyBatch(List<Item> items) {
        // Node sides in first-seen order, with their items in order.
        Map<Key, List<Integer>> byNode = new LinkedHashMap<>();
        List<byte[]> countKeys = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            byte[] countKey = it.layout().countKey(it.side(), it.node());
            List<Integer> slot = byNode.get(new Key(countKey));
            if (slot == null) {
                slot = new ArrayList<>();
                byNode.put(new Key(countKey), slot);
                countKeys.add(countKey);
            }
            slot.add(i);
        }
        Map<Key, CountRecord> commits = new HashMap<>();
        List<byte[]> missing = new ArrayList<>();
        for (byte[] countKey : countKeys) {
            CountRecord c = kept.get(new Key(countKey));
            if (c != null) {
                commits.put(new Key(countKey), c);
            } else {
                missing.add(countKey);
            }
        }
        List<byte[]> countValues = missing.isEmpty() ? List.of() : store.multiGet(missing);
        for (int i = 0; i < missing.size(); i++) {
            CountRecord c = RecordCodec.decodeCount(countValues.get(i));
            if (c.intent() != null) {
                c = finish(missing.get(i), c);
            }
            commits.put(new Key(missing.get(i)), c);
        }
        // Every edge state the batch touches, read once.
        Map<Key, EdgeState> states = new LinkedHashMap<>();
        List<byte[]> stateKeys = new ArrayList<>();
        byte[][] stateKeyOf = new byte[items.size()][];
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            stateKeyOf[i] = it.layout().stateKey(it.side(), it.node(), it.other());
            if (states.putIfAbsent(new Key(stateKeyOf[i]), EdgeState.EMPTY) == null) {
                stateKeys.add(stateKeyOf[i]);
            }
        }
        List<byte[]> stateValues = store.multiGet(stateKeys);
        for (int i = 0; i < stateKeys.size(); i++) {
            if (stateValues.get(i) != null) {
                states.put(new Key(stateKeys.get(i)), RecordCodec.decodeEdge(stateValues.get(i)).state());
            }
        }
        ApplyStatus[] statuses = new ApplyStatus[items.size()];
        List<Write> intents = new ArrayList<>();
        List<Write> writes = new ArrayList<>();
        List<Write> commitsOut = new ArrayList<>();
        Map<Key, CountRecord> committed = new HashMap<>();
        for (Map.Entry<Key, List<Integer>> node : byNode.entrySet()) {
            List<Write> nodeWrites = new ArrayList<>();
            long delta = 0;
            for (int i : node.getValue()) {
                Item it = items.get(i);
                Key stateKey = new Key(stateKeyOf[i]);
                EdgeState before = states.get(stateKey);
                EdgeState after = transition.apply(before, it.mutation(), it.layout().definition());
                statuses[i] = ApplyStatus.of(before, after);
                if (after.equals(before)) {
                    continue;
                }
                states.put(stateKey, after);
                nodeWrites.addAll(writes(it.layout(), it.side(), it.mutation().source(), it.mutation().target(),
                        it.other(), stateKeyOf[i], before, after));
                delta += (after.active() ? 1 : 0) - (before.active() ? 1 : 0);
            }
            if (nodeWrites.isEmpty()) {
                continue;
            }
            CountRecord commit = commits.get(node.getKey());
            byte[] countKey = node.getKey().bytes();
            intents.add(new Write.Put(countKey, RecordCodec.encodeCount(
                    new CountRecord(commit.count(), commit.appliedSeq(), new Intent(delta, nodeWrites)))));
            writes.addAll(nodeWrites);
            CountRecord after = new CountRecord(commit.count() + delta, commit.appliedSeq() + 1, null);
            commitsOut.add(new Write.Put(countKey, RecordCodec.encodeCount(after)));
            committed.put(node.getKey(), after);
        }
        if (!writes.isEmpty()) {
            if (recordIntent) {
                store.write(intents);
            }
            store.write(writes);
            store.write(commitsOut);
        }
        // Only now is every row of this batch in storage as kept here.
        commits.putAll(committed);
        commits.forEach(kept::keep);
        return List.of(statuses);
    }

    /** Byte-array map key. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** Redoes a crashed apply's writes (idempotent) and commits its count delta. */
    private CountRecord finish(byte[] countKey, CountRecord pending) {
        return finish(store, countKey, pending);
    }

    static CountRecord finish(KvStore store, byte[] countKey, CountRecord pending) {
        store.write(pending.intent().writes());
        CountRecord done = new CountRecord(pending.count() + pending.intent().delta(), pending.appliedSeq() + 1, null);
        store.put(countKey, RecordCodec.encodeCount(done));
        return done;
    }

    private static List<Write> writes(ViewLayout layout, Side side, Object source, Object target, Object other,
                                      byte[] stateKey, EdgeState before, EdgeState after) {
        List<Write> writes = new ArrayList<>();
        byte[] value = RecordCodec.encodeEdge(other, after);
        writes.add(new Write.Put(stateKey, value));
        List<IndexDef> indexes = layout.definition().indexes();
        List<byte[]> keep = new ArrayList<>();
        if (after.active()) {
            for (IndexDef index : indexes) {
                keep.add(layout.indexKey(side, source, target, after, index));
            }
        }
        // Deletes first: an index row whose key did not change is simply rewritten by the put below.
        if (before.active()) {
            for (IndexDef index : indexes) {
                byte[] old = layout.indexKey(side, source, target, before, index);
                if (keep.stream().noneMatch(k -> Arrays.equals(k, old))) {
                    writes.add(new Write.Delete(old));
                }
            }
        }
        for (byte[] key : keep) {
            writes.add(new Write.Put(key, value));
        }
        return writes;
    }

    /** The committed count of a node side (an in-flight intent is not counted until finished). */
    public static long count(KvStore store, ViewLayout layout, Side side, Object node) {
        return RecordCodec.decodeCount(store.get(layout.countKey(side, node)).orElse(null)).count();
    }

}
