package io.sideview.edge;

import io.sideview.edge.RecordCodec.CountRecord;
import io.sideview.edge.RecordCodec.DecodedEdge;
import io.sideview.registry.model.IndexDef;
import io.sideview.storage.FencedWrite;
import io.sideview.storage.KeyRange;
import io.sideview.storage.KeyValue;
import io.sideview.storage.KvStore;
import io.sideview.storage.Write;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks one node side's derived records against its state records, and optionally rewrites them:
 * the count row must equal the number of active states, and each index must hold exactly one row per
 * active edge, keyed and valued as an apply would write it. State is the truth (design §4: index and
 * count are derived from it at apply time). Must run as the node side's single writer (on its lane),
 * so no apply can interleave and every difference it sees is real. With several nodes the node side's
 * WAL owner may be another node: over a store that fences, the repair lands only while the count row
 * is the one the audit read (every apply moves it), and the audit runs again when it is not.
 */
public final class NodeAudit {
    private static final int PAGE = 1024;

    private NodeAudit() {}

    /**
     * What one node side looked like. {@code countStored} is the committed count after any interrupted
     * apply was finished (the protocol's own recovery, which the next write would run anyway).
     */
    public record Report(long states, long active, long countStored, boolean countChecked, int indexMissing,
                         int indexStale, boolean finishedInterruptedApply, List<Twin> twinDifferences) {
        public boolean countWrong() {
            return countChecked && countStored != active;
        }

        public boolean clean() {
            return !countWrong() && indexMissing == 0 && indexStale == 0;
        }
    }

    /**
     * A state row whose twin on the other side (OUT (s, t) and IN (t, s) hold the same edge) was absent
     * or held another state when read. The other side has its own writer, so this may be an apply in
     * flight: {@link #confirm} tells.
     */
    public record Twin(Object source, Object target, byte[] key, byte[] value, byte[] twinKey, byte[] twinValue) {}

    /** At most this many twin differences are kept per node (a node side that lost its twin entirely reports that many). */
    static final int MAX_TWINS = 100;

    public static Report run(KvStore store, ViewLayout layout, Side side, Object node, List<IndexDef> indexes,
                             boolean checkCount, boolean repair) {
        return run(store, layout, side, node, indexes, checkCount, repair, false);
    }

    public static Report run(KvStore store, ViewLayout layout, Side side, Object node, List<IndexDef> indexes,
                             boolean checkCount, boolean repair, boolean checkTwins) {
        return run(store, layout, side, node, indexes, checkCount, repair, checkTwins, null);
    }

    /** The same, also handing the state rows it read to {@code statesRead} (null: not wanted). */
    static Report run(KvStore store, ViewLayout layout, Side side, Object node, List<IndexDef> indexes,
                      boolean checkCount, boolean repair, boolean checkTwins, List<KeyValue> statesRead) {
        for (int attempt = 1; ; attempt++) {
            List<KeyValue> read = statesRead == null ? null : new ArrayList<>();
            Report report = runOnce(store, layout, side, node, indexes, checkCount, repair, checkTwins, read);
            if (report != null) {
                if (statesRead != null) {
                    statesRead.addAll(read);
                }
                return report;
            }
            if (attempt == SideApplier.MAX_ATTEMPTS) {
                throw new IllegalStateException("node side kept changing under its audit for " + attempt + " attempts");
            }
        }
    }

    /** One audit; null when its repair found the count row changed since it was read (audit again). */
    private static Report runOnce(KvStore store, ViewLayout layout, Side side, Object node, List<IndexDef> indexes,
                                  boolean checkCount, boolean repair, boolean checkTwins, List<KeyValue> statesRead) {
        byte[] countKey = layout.countKey(side, node);
        byte[] countRow = store.get(countKey).orElse(null);
        CountRecord count = RecordCodec.decodeCount(countRow);
        boolean finished = false;
        if (count.intent() != null) {
            count = SideApplier.finish(store, countKey, count);
            countRow = RecordCodec.encodeCount(count);
            finished = true;
        }
        Map<ByteBuffer, byte[]> expected = new HashMap<>();
        long states = 0;
        long active = 0;
        List<KeyValue> stateRows = scanAll(store, KeyRange.prefix(layout.prefix(side, RecordType.STATE, node)));
        if (statesRead != null) {
            statesRead.addAll(stateRows);
        }
        List<Twin> twins = checkTwins ? twins(store, layout, side, node, stateRows) : List.of();
        for (KeyValue row : stateRows) {
            states++;
            DecodedEdge d = RecordCodec.decodeEdge(row.value());
            if (!d.state().active()) {
                continue;
            }
            active++;
            Object source = side.source(node, d.other());
            Object target = side.target(node, d.other());
            for (IndexDef index : indexes) {
                expected.put(ByteBuffer.wrap(layout.indexKey(side, source, target, d.state(), index)), row.value());
            }
        }
        List<Write> fixes = new ArrayList<>();
        int stale = 0;
        for (IndexDef index : indexes) {
            for (KeyValue row : scanAll(store, KeyRange.prefix(layout.indexPrefix(side, node, index)))) {
                byte[] want = expected.remove(ByteBuffer.wrap(row.key()));
                if (want == null) {
                    stale++;
                    fixes.add(new Write.Delete(row.key()));
                } else if (!Arrays.equals(want, row.value())) {
                    // A row with the right key but another state's value: counted as missing, rewritten.
                    expected.put(ByteBuffer.wrap(row.key()), want);
                }
            }
        }
        int missing = expected.size();
        expected.forEach((k, v) -> fixes.add(new Write.Put(k.array(), v)));
        Report report = new Report(states, active, count.count(), checkCount, missing, stale, finished, twins);
        if (repair) {
            if (report.countWrong()) {
                fixes.add(new Write.Put(countKey, RecordCodec.encodeCount(new CountRecord(active, count.appliedSeq() + 1, null))));
            }
            if (fixes.isEmpty()) {
                return report;
            }
            if (!store.fences()) {
                store.write(fixes);
            } else if (store.writeFenced(FencedWrite.NO_EPOCH, List.of(FencedWrite.expecting(countKey, fixes, countRow)))[0]
                    != FencedWrite.Outcome.WRITTEN) {
                // The node side's WAL owner (on another node) wrote it meanwhile: these fixes may be stale.
                return null;
            }
        }
        return report;
    }

    private static List<Twin> twins(KvStore store, ViewLayout layout, Side side, Object node, List<KeyValue> rows) {
        Side other = side.opposite();
        List<Twin> out = new ArrayList<>();
        for (int from = 0; from < rows.size() && out.size() < MAX_TWINS; from += PAGE) {
            List<KeyValue> chunk = rows.subList(from, Math.min(rows.size(), from + PAGE));
            List<byte[]> twinKeys = new ArrayList<>(chunk.size());
            List<DecodedEdge> decoded = new ArrayList<>(chunk.size());
            for (KeyValue row : chunk) {
                DecodedEdge d = RecordCodec.decodeEdge(row.value());
                decoded.add(d);
                twinKeys.add(layout.stateKey(other, d.other(), node));
            }
            List<byte[]> twinValues = store.multiGet(twinKeys);
            for (int i = 0; i < chunk.size() && out.size() < MAX_TWINS; i++) {
                if (!sameState(decoded.get(i).state(), twinValues.get(i))) {
                    Object source = side.source(node, decoded.get(i).other());
                    Object target = side.target(node, decoded.get(i).other());
                    out.add(new Twin(source, target, chunk.get(i).key(), chunk.get(i).value(), twinKeys.get(i), twinValues.get(i)));
                }
            }
        }
        return out;
    }

    private static boolean sameState(EdgeState state, byte[] twinValue) {
        return twinValue != null && RecordCodec.decodeEdge(twinValue).state().equals(state);
    }

    /**
     * The twin differences that are real: read again (after the lanes drained what was queued), both
     * rows still hold exactly what they held at the first read, and they still differ. A difference
     * that an apply in flight explains has changed one of the two rows in between.
     */
    public static List<Twin> confirm(KvStore store, List<Twin> candidates) {
        List<Twin> real = new ArrayList<>();
        for (int from = 0; from < candidates.size(); from += PAGE) {
            List<Twin> chunk = candidates.subList(from, Math.min(candidates.size(), from + PAGE));
            List<byte[]> keys = new ArrayList<>(chunk.size() * 2);
            for (Twin t : chunk) {
                keys.add(t.key());
                keys.add(t.twinKey());
            }
            List<byte[]> values = store.multiGet(keys);
            for (int i = 0; i < chunk.size(); i++) {
                Twin t = chunk.get(i);
                byte[] now = values.get(2 * i);
                byte[] twinNow = values.get(2 * i + 1);
                if (Arrays.equals(now, t.value()) && Arrays.equals(twinNow, t.twinValue())
                        && (now == null || !sameState(RecordCodec.decodeEdge(now).state(), twinNow))) {
                    real.add(t);
                }
            }
        }
        return real;
    }

    /**
     * Repairs one side of an edge whose sides disagree: writes the join of the two sides' states here
     * (the higher version wins, property by property, as an in-order apply of everything either side
     * saw would give), then rewrites this node side's index rows and count from its states. Must run
     * as this node side's single writer; the other side is repaired on its own lane the same way.
     * Returns whether this side's state changed.
     */
    public static boolean joinTwins(KvStore store, ViewLayout layout, Side side, Object source, Object target,
                                    List<IndexDef> indexes) {
        Object node = side.node(source, target);
        Object other = side.other(source, target);
        byte[] key = layout.stateKey(side, node, other);
        byte[] twinKey = layout.stateKey(side.opposite(), other, node);
        byte[] countKey = layout.countKey(side, node);
        boolean changed = false;
        for (int attempt = 1; ; attempt++) {
            List<byte[]> rows = store.multiGet(List.of(countKey, key, twinKey));
            CountRecord count = RecordCodec.decodeCount(rows.get(0));
            EdgeState mine = rows.get(1) == null ? EdgeState.EMPTY : RecordCodec.decodeEdge(rows.get(1)).state();
            EdgeState theirs = rows.get(2) == null ? EdgeState.EMPTY : RecordCodec.decodeEdge(rows.get(2)).state();
            EdgeState joined = Transition.join(mine, theirs, layout.definition());
            changed = !joined.equals(mine);
            if (!changed) {
                break;
            }
            byte[] value = RecordCodec.encodeEdge(other, joined);
            if (!store.fences() || count.intent() != null) {
                // One writer here (or an interrupted apply the audit below finishes first): plain put.
                store.put(key, value);
                break;
            }
            // The WAL owner may be another node: the joined state lands only over the count row read, and
            // moves its seq (count unchanged; the audit below sets it), so the owner reads the join again.
            byte[] bumped = RecordCodec.encodeCount(new CountRecord(count.count(), count.appliedSeq() + 1, null));
            if (store.writeFenced(FencedWrite.NO_EPOCH, List.of(FencedWrite.expecting(countKey,
                    List.of(new Write.Put(key, value), new Write.Put(countKey, bumped)), rows.get(0))))[0] == FencedWrite.Outcome.WRITTEN) {
                break;
            }
            if (attempt == SideApplier.MAX_ATTEMPTS) {
                throw new IllegalStateException("node side kept changing under a twin join for " + attempt + " attempts");
            }
        }
        run(store, layout, side, node, indexes, true, true);
        return changed;
    }

    /** The smallest key after {@code key}. */
    static byte[] next(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    private static List<KeyValue> scanAll(KvStore store, KeyRange range) {
        List<KeyValue> out = new ArrayList<>();
        byte[] start = range.start();
        while (true) {
            List<KeyValue> page = store.scan(new KeyRange(start, range.end()), false, PAGE);
            out.addAll(page);
            if (page.size() < PAGE) {
                return out;
            }
            start = next(page.get(page.size() - 1).key());
        }
    }
}
