package io.sideview.edge;

import io.sideview.edge.KeptRows.Key;
import io.sideview.edge.RecordCodec.CountRecord;
import io.sideview.edge.RecordCodec.Intent;
import io.sideview.registry.model.IndexDef;
import io.sideview.storage.FencedWrite;
import io.sideview.storage.KvStore;
import io.sideview.storage.StorageConfig;
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
 * <p>On a store whose batches are atomic ({@link KvStore#atomicBatches()}, RocksDB) steps 3 to 5 are
 * one batch without the intent: a crash leaves all of it or none, which is what the intent ensures
 * elsewhere. An intent found in storage (written before, or by a non-atomic store) is still finished.
 *
 * <p>Steps 1 and 2 are served from memory when they can: an applier keeps, per node side it applied
 * to last, the committed count row and the state rows it read or wrote ({@link KeptRows}, bounded,
 * least recently used out). It is the only writer of its node sides, so what it committed last is
 * what storage holds. Whatever could make a kept row differ from storage drops it: a failed batch
 * (its intents may be in storage) drops them all, {@link #forget} drops a node side's before another
 * writer (a job step on the lane) touches it, {@link #forgetAll} all of them before the lane's node
 * sides may have had another writer (a WAL partition moving between processes). A state row is kept
 * only under its node side's kept count row, so no intent can be pending under a kept state. These
 * reads were the hot spot of applies on HBase, where every get walks a region's memstore and files.
 */
public class SideApplier {
    /** How a mutation joins into a state; {@link Transition#apply} in production, swappable in tests. */
    @FunctionalInterface
    public interface StateFunction {
        EdgeState apply(EdgeState state, Mutation m, io.sideview.registry.model.ViewDefinition view);
    }

    /** The epoch of a writer that owns no WAL partition: writes are not fenced. */
    public static final long UNFENCED = -1;

    /** How many times a batch meets node sides that changed under it before it fails (the caller retries). */
    static final int MAX_ATTEMPTS = 5;

    private final KvStore store;
    private final StateFunction transition;
    private final KeptRows kept;
    private final KeptReads reads;

    /** An applier with the whole default budget of kept rows (one lane). */
    public SideApplier(KvStore store) {
        this(store, StorageConfig.DEFAULT_COUNT_CACHE_ROWS, StorageConfig.DEFAULT_STATE_CACHE_ROWS);
    }

    /**
     * {@code keptCounts}: how many node sides' committed count rows to keep in memory (0: read every
     * one); {@code keptStates}: how many of their state rows, over all of them (0: read every one).
     */
    public SideApplier(KvStore store, int keptCounts, int keptStates) {
        this(store, keptCounts, keptStates, new KeptReads());
    }

    /** The same, counting where the rows came from in {@code reads} (shared by a writer's lanes). */
    public SideApplier(KvStore store, int keptCounts, int keptStates, KeptReads reads) {
        this(store, Transition::apply, keptCounts, keptStates, reads);
    }

    /** With another state function: the property tests show they would catch one that is not a join. */
    SideApplier(KvStore store, StateFunction transition) {
        this(store, transition, StorageConfig.DEFAULT_COUNT_CACHE_ROWS, StorageConfig.DEFAULT_STATE_CACHE_ROWS,
                new KeptReads());
    }

    private SideApplier(KvStore store, StateFunction transition, int keptCounts, int keptStates, KeptReads reads) {
        this.store = store;
        this.reads = reads;
        this.transition = transition;
        this.kept = new KeptRows(keptCounts, keptStates);
    }

    /** Drops the kept rows of one node side: another writer is about to touch it. */
    public void forget(byte[] countKey) {
        kept.forget(new Key(countKey));
    }

    /** Drops every kept row. */
    public void forgetAll() {
        kept.clear();
    }

    public ApplyStatus apply(ViewLayout layout, Side side, Mutation m) {
        return applyAll(List.of(SideRouter.route(layout, side, m))).get(0);
    }

    /**
     * Applies a batch with the same protocol, per node side, in a fixed number of storage round trips
     * (two multi-gets and three batch writes, or one where batches are atomic, whatever the batch
     * size): every node side's intent is written before any of its writes, and its commit after all
     * of them, so each node side stays crash-exact on its own. Side mutations of one node side are applied in
     * the order given; the caller is the single writer of every node side in the batch.
     */
    public List<ApplyStatus> applyAll(List<SideMutation> items) {
        return applyAll(items, UNFENCED);
    }

    /**
     * The same, as the owner of the node sides' WAL partitions since {@code epoch} (design §10): each
     * node side's writes and commit go in one fenced atomic write ({@link KvStore#writeFenced}), so
     * no intent is needed, and a node side another owner has written since (a newer epoch) refuses
     * them: {@link Fenced}, and this applier keeps nothing of the batch. {@link #UNFENCED}: the
     * single-writer protocol above, for writers that own no partition (direct writes, jobs).
     */
    public List<ApplyStatus> applyAll(List<SideMutation> items, long epoch) {
        try {
            return applyBatch(items, epoch, 0);
        } catch (RuntimeException e) {
            failed();
            throw e;
        }
    }

    /** Any intent of a failed batch may be in storage now: only storage knows the rows again. */
    void failed() {
        kept.clear();
    }

    private List<ApplyStatus> applyBatch(List<SideMutation> items, long epoch, int attempt) {
        // Node sides in first-seen order, with their items in order.
        Map<Key, List<Integer>> byNode = new LinkedHashMap<>();
        Key[] nodeOf = new Key[items.size()];
        for (int i = 0; i < items.size(); i++) {
            SideMutation it = items.get(i);
            nodeOf[i] = new Key(it.layout().countKey(it.side(), it.node()));
            byNode.computeIfAbsent(nodeOf[i], k -> new ArrayList<>()).add(i);
        }
        Map<Key, CountRecord> commits = new HashMap<>();
        List<byte[]> missing = new ArrayList<>();
        for (Key node : byNode.keySet()) {
            CountRecord c = kept.count(node);
            if (c != null) {
                commits.put(node, c);
            } else {
                missing.add(node.bytes());
            }
        }
        reads.countsKept().add(byNode.size() - missing.size());
        reads.countsRead().add(missing.size());
        List<byte[]> countValues = missing.isEmpty() ? List.of() : store.multiGet(missing);
        for (int i = 0; i < missing.size(); i++) {
            CountRecord c = RecordCodec.decodeCount(countValues.get(i));
            if (c.intent() != null) {
                c = epoch == UNFENCED ? finish(missing.get(i), c) : finishFenced(missing.get(i), c, epoch);
            }
            commits.put(new Key(missing.get(i)), c);
        }
        // Every state row the batch touches as storage holds it (ABSENT: no row), each read once. Kept
        // rows exist only for node sides whose count row is kept, so no intent is pending under them.
        Map<Key, byte[]> rows = new HashMap<>();
        Key[] stateKeyOf = new Key[items.size()];
        List<byte[]> toRead = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            SideMutation it = items.get(i);
            stateKeyOf[i] = new Key(it.layout().stateKey(it.side(), it.node(), it.other()));
            if (!rows.containsKey(stateKeyOf[i])) {
                byte[] known = kept.state(nodeOf[i], stateKeyOf[i]);
                rows.put(stateKeyOf[i], known);
                if (known == null) {
                    toRead.add(stateKeyOf[i].bytes());
                }
            }
        }
        reads.statesKept().add(rows.size() - toRead.size());
        reads.statesRead().add(toRead.size());
        List<byte[]> read = toRead.isEmpty() ? List.of() : store.multiGet(toRead);
        for (int i = 0; i < toRead.size(); i++) {
            rows.put(new Key(toRead.get(i)), read.get(i) == null ? KeptRows.ABSENT : read.get(i));
        }
        // Where a batch is atomic (RocksDB), each node side's writes and commit go in one: no intent.
        // So where they are fenced: each node side's go in one atomic fenced write.
        boolean fenced = epoch != UNFENCED;
        boolean atomic = store.atomicBatches() || fenced;
        List<FencedWrite> sides = new ArrayList<>();
        List<Key> sideNodes = new ArrayList<>();
        Map<Key, EdgeState> states = new HashMap<>();
        ApplyStatus[] statuses = new ApplyStatus[items.size()];
        List<Write> intents = new ArrayList<>();
        List<Write> writes = new ArrayList<>();
        List<Write> commitsOut = new ArrayList<>();
        for (Map.Entry<Key, List<Integer>> node : byNode.entrySet()) {
            List<Write> nodeWrites = new ArrayList<>();
            long delta = 0;
            for (int i : node.getValue()) {
                SideMutation it = items.get(i);
                Key stateKey = stateKeyOf[i];
                EdgeState before = states.computeIfAbsent(stateKey, k -> decodeState(rows.get(k)));
                EdgeState after = transition.apply(before, it.mutation(), it.layout().definition());
                statuses[i] = ApplyStatus.of(before, after);
                if (after.equals(before)) {
                    continue;
                }
                states.put(stateKey, after);
                byte[] value = RecordCodec.encodeEdge(it.other(), after);
                rows.put(stateKey, value);
                nodeWrites.addAll(writes(it.layout(), it.side(), it.mutation().source(), it.mutation().target(),
                        stateKey.bytes(), value, before, after));
                delta += (after.active() ? 1 : 0) - (before.active() ? 1 : 0);
            }
            if (nodeWrites.isEmpty()) {
                continue;
            }
            CountRecord commit = commits.get(node.getKey());
            byte[] countKey = node.getKey().bytes();
            if (!atomic) {
                intents.add(new Write.Put(countKey, RecordCodec.encodeCount(
                        new CountRecord(commit.count(), commit.appliedSeq(), new Intent(delta, nodeWrites)))));
            }
            writes.addAll(nodeWrites);
            CountRecord after = new CountRecord(commit.count() + delta, commit.appliedSeq() + 1, null);
            commitsOut.add(new Write.Put(countKey, RecordCodec.encodeCount(after)));
            if (fenced) {
                List<Write> side = new ArrayList<>(nodeWrites);
                side.add(commitsOut.get(commitsOut.size() - 1));
                sides.add(FencedWrite.expecting(countKey, side, stored(commit)));
                sideNodes.add(node.getKey());
            }
            // Each node side is visited once; a failed write below throws this map away.
            commits.put(node.getKey(), after);
        }
        java.util.Set<Key> changed = new java.util.HashSet<>();
        if (fenced && !sides.isEmpty()) {
            FencedWrite.Outcome[] outcomes = store.writeFenced(epoch, sides);
            refuseIfFenced(outcomes, sides, epoch);
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i] == FencedWrite.Outcome.CHANGED) {
                    changed.add(sideNodes.get(i));
                }
            }
        } else if (!writes.isEmpty()) {
            if (atomic) {
                writes.addAll(commitsOut);
                store.write(writes);
            } else {
                store.write(intents);
                store.write(writes);
                store.write(commitsOut);
            }
        }
        // Only now is every row of this batch in storage as kept here (but a changed node side's).
        for (Map.Entry<Key, List<Integer>> node : byNode.entrySet()) {
            if (changed.contains(node.getKey())) {
                kept.forget(node.getKey());
                continue;
            }
            Map<Key, byte[]> nodeRows = new HashMap<>();
            for (int i : node.getValue()) {
                nodeRows.put(stateKeyOf[i], rows.get(stateKeyOf[i]));
            }
            kept.keep(node.getKey(), commits.get(node.getKey()), nodeRows);
        }
        if (!changed.isEmpty()) {
            redo(items, nodeOf, changed, statuses, epoch, attempt);
        }
        return List.of(statuses);
    }

    /**
     * Node sides someone else wrote between this applier's read and its write (a zombie owner whose
     * late write landed before this owner's first write raised the fence, or a writer that owns no
     * partition): nothing of them was written, so their items are applied again from storage as it is
     * now. Re-applying what the other writer already applied is idle (versions), so nothing counts twice.
     */
    private void redo(List<SideMutation> items, Key[] nodeOf, java.util.Set<Key> changed, ApplyStatus[] statuses,
                      long epoch, int attempt) {
        if (attempt + 1 >= MAX_ATTEMPTS) {
            throw new IllegalStateException(changed.size() + " node sides kept changing under their owner (epoch "
                    + epoch + ") for " + MAX_ATTEMPTS + " attempts");
        }
        List<Integer> again = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (changed.contains(nodeOf[i])) {
                again.add(i);
            }
        }
        List<ApplyStatus> redone = applyBatch(again.stream().map(items::get).toList(), epoch, attempt + 1);
        for (int j = 0; j < again.size(); j++) {
            statuses[again.get(j)] = redone.get(j);
        }
    }

    /** The count row's value in storage when it holds {@code c}: none for a node side never committed. */
    private static byte[] stored(CountRecord c) {
        return c.equals(CountRecord.ZERO) ? null : RecordCodec.encodeCount(c);
    }

    /** The commit record of a crashed apply's intent once its writes are redone: count moved, seq + 1. */
    private static CountRecord finished(CountRecord pending) {
        return new CountRecord(pending.count() + pending.intent().delta(), pending.appliedSeq() + 1, null);
    }

    private static void refuseIfFenced(FencedWrite.Outcome[] outcomes, List<FencedWrite> sides, long epoch) {
        int refused = 0;
        for (FencedWrite.Outcome o : outcomes) {
            refused += o == FencedWrite.Outcome.FENCED ? 1 : 0;
        }
        if (refused > 0) {
            throw new Fenced(refused, sides.size(), epoch);
        }
    }

    /** A crashed apply's intent, finished as the node side's owner since {@code epoch}. */
    private CountRecord finishFenced(byte[] countKey, CountRecord pending, long epoch) {
        CountRecord done = finished(pending);
        List<Write> writes = new ArrayList<>(pending.intent().writes());
        writes.add(new Write.Put(countKey, RecordCodec.encodeCount(done)));
        FencedWrite side = FencedWrite.expecting(countKey, writes, RecordCodec.encodeCount(pending));
        FencedWrite.Outcome[] outcome = store.writeFenced(epoch, List.of(side));
        refuseIfFenced(outcome, List.of(side), epoch);
        if (outcome[0] == FencedWrite.Outcome.CHANGED) {
            // Another writer finished or replaced the intent meanwhile: fail the batch, storage knows the rest.
            throw new IllegalStateException("a crashed apply's intent changed while its node side's owner finished it");
        }
        return done;
    }

    private static EdgeState decodeState(byte[] row) {
        return row == KeptRows.ABSENT ? EdgeState.EMPTY : RecordCodec.decodeEdge(row).state();
    }

    /** Redoes a crashed apply's writes (idempotent) and commits its count delta. */
    private CountRecord finish(byte[] countKey, CountRecord pending) {
        return finish(store, countKey, pending);
    }

    static CountRecord finish(KvStore store, byte[] countKey, CountRecord pending) {
        store.write(pending.intent().writes());
        CountRecord done = finished(pending);
        store.put(countKey, RecordCodec.encodeCount(done));
        return done;
    }

    private static List<Write> writes(ViewLayout layout, Side side, Object source, Object target,
                                      byte[] stateKey, byte[] value, EdgeState before, EdgeState after) {
        List<Write> writes = new ArrayList<>();
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
