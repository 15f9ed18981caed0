package io.sideview.edge;

import io.sideview.edge.RecordCodec.CountRecord;
import io.sideview.edge.RecordCodec.DecodedEdge;
import io.sideview.registry.model.IndexDef;
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
 * so no apply can interleave and every difference it sees is real.
 */
public final class NodeAudit {
    private static final int PAGE = 1024;

    private NodeAudit() {}

    /**
     * What one node side looked like. {@code countStored} is the committed count after any interrupted
     * apply was finished (the protocol's own recovery, which the next write would run anyway).
     */
    public record Report(long states, long active, long countStored, boolean countChecked, int indexMissing,
                         int indexStale, boolean finishedInterruptedApply) {
        public boolean countWrong() {
            return countChecked && countStored != active;
        }

        public boolean clean() {
            return !countWrong() && indexMissing == 0 && indexStale == 0;
        }
    }

    public static Report run(KvStore store, ViewLayout layout, Side side, Object node, List<IndexDef> indexes,
                             boolean checkCount, boolean repair) {
        byte[] countKey = layout.countKey(side, node);
        CountRecord count = RecordCodec.decodeCount(store.get(countKey).orElse(null));
        boolean finished = false;
        if (count.intent() != null) {
            count = SideApplier.finish(store, countKey, count);
            finished = true;
        }
        Map<ByteBuffer, byte[]> expected = new HashMap<>();
        long states = 0;
        long active = 0;
        for (KeyValue row : scanAll(store, KeyRange.prefix(layout.prefix(side, RecordType.STATE, node)))) {
            states++;
            DecodedEdge d = RecordCodec.decodeEdge(row.value());
            if (!d.state().active()) {
                continue;
            }
            active++;
            Object source = side == Side.OUT ? node : d.other();
            Object target = side == Side.OUT ? d.other() : node;
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
        Report report = new Report(states, active, count.count(), checkCount, missing, stale, finished);
        if (repair) {
            if (!fixes.isEmpty()) {
                store.write(fixes);
            }
            if (report.countWrong()) {
                store.put(countKey, RecordCodec.encodeCount(new CountRecord(active, count.appliedSeq() + 1, null)));
            }
        }
        return report;
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
