package io.sideview.edge;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The active targets of hot nodes (OUT side, long ids) as sorted arrays, so mutual intersects two
 * arrays instead of walking two sets of state rows. Exact by construction: an entry is tagged with
 * the {@code appliedSeq} of the node's count row (the commit record, bumped by every apply that
 * changes the node side) and is used only when the committed count row still carries that seq and
 * no intent; otherwise the reader walks the rows as before. Least recently used entries are dropped
 * beyond the byte budget.
 */
final class AdjacencyCache {
    /** Smaller nodes are cheap to walk: not worth the memory. */
    static final long MIN_DEGREE = 64;

    record Entry(long seq, long[] ids) {}

    private final long budgetBytes;
    private final LinkedHashMap<ByteBuffer, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private long usedBytes;

    AdjacencyCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    boolean enabled() {
        return budgetBytes > 0;
    }

    synchronized long[] get(byte[] countKey, long seq) {
        Entry e = entries.get(ByteBuffer.wrap(countKey));
        return e != null && e.seq() == seq ? e.ids() : null;
    }

    synchronized void put(byte[] countKey, long seq, long[] ids) {
        long size = 64L + 8L * ids.length;
        if (size > budgetBytes / 4) {
            return;
        }
        Entry old = entries.put(ByteBuffer.wrap(countKey.clone()), new Entry(seq, ids));
        usedBytes += size - (old == null ? 0 : 64L + 8L * old.ids().length);
        Iterator<Map.Entry<ByteBuffer, Entry>> it = entries.entrySet().iterator();
        while (usedBytes > budgetBytes && it.hasNext()) {
            Entry victim = it.next().getValue();
            it.remove();
            usedBytes -= 64L + 8L * victim.ids().length;
        }
    }

    synchronized long usedBytes() {
        return usedBytes;
    }
}
