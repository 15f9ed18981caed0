package io.sideview.edge;

import io.sideview.edge.RecordCodec.CountRecord;
import io.sideview.edge.RecordCodec.Intent;
import io.sideview.registry.model.IndexDef;
import io.sideview.storage.KvStore;
import io.sideview.storage.Write;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 */
public final class SideApplier {
    /** How a mutation joins into a state; {@link Transition#apply} in production, swappable in tests. */
    @FunctionalInterface
    public interface StateFunction {
        EdgeState apply(EdgeState state, Mutation m, io.sideview.registry.model.ViewDefinition view);
    }

    private final KvStore store;
    private final StateFunction transition;
    private final boolean recordIntent;

    public SideApplier(KvStore store) {
        this(store, Transition::apply, true);
    }

    /**
     * Tests only: {@code recordIntent = false} skips the commit protocol (writes, then count) so the
     * crash test can show it would catch a non-exact apply.
     */
    SideApplier(KvStore store, StateFunction transition, boolean recordIntent) {
        this.store = store;
        this.transition = transition;
        this.recordIntent = recordIntent;
    }

    public ApplyStatus apply(ViewLayout layout, Side side, Mutation m) {
        Object node = side == Side.OUT ? m.source() : m.target();
        Object other = side == Side.OUT ? m.target() : m.source();
        byte[] countKey = layout.countKey(side, node);
        CountRecord commit = RecordCodec.decodeCount(store.get(countKey).orElse(null));
        if (commit.intent() != null) {
            commit = finish(countKey, commit);
        }
        byte[] stateKey = layout.stateKey(side, node, other);
        EdgeState before = store.get(stateKey).map(b -> RecordCodec.decodeEdge(b).state()).orElse(EdgeState.EMPTY);
        EdgeState after = transition.apply(before, m, layout.definition());
        if (after.equals(before)) {
            return ApplyStatus.IDLE;
        }
        List<Write> writes = writes(layout, side, m.source(), m.target(), other, stateKey, before, after);
        long delta = (after.active() ? 1 : 0) - (before.active() ? 1 : 0);
        if (recordIntent) {
            store.put(countKey, RecordCodec.encodeCount(new CountRecord(commit.count(), commit.appliedSeq(),
                    new Intent(delta, writes))));
        }
        store.write(writes);
        store.put(countKey, RecordCodec.encodeCount(new CountRecord(commit.count() + delta, commit.appliedSeq() + 1, null)));
        return ApplyStatus.of(before, after);
    }

    /** Redoes a crashed apply's writes (idempotent) and commits its count delta. */
    private CountRecord finish(byte[] countKey, CountRecord pending) {
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
