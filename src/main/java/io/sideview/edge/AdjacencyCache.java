package io.sideview.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;

/**
 * The active targets of hot nodes (OUT side, long ids) as sorted arrays, so mutual intersects two
 * arrays instead of walking two sets of state rows. Exact by construction: an entry is tagged with
 * the {@code appliedSeq} of the node's count row (the commit record, bumped by every apply that
 * changes the node side) and is used only when the committed count row still carries that seq and
 * no intent; otherwise the reader walks the rows as before. Entries are weighed by their bytes and
 * evicted (Caffeine's frequency-aware policy) beyond the budget; eviction never costs exactness,
 * only a walk.
 */
final class AdjacencyCache {
    /** Smaller nodes are cheap to walk: not worth the memory. */
    static final long MIN_DEGREE = 64;

    record Entry(long seq, long[] ids) {
        int bytes() {
            return 64 + 8 * ids.length;
        }
    }

    private final long budgetBytes;
    private final Cache<ByteBuffer, Entry> entries;

    AdjacencyCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(Math.max(0, budgetBytes))
                .weigher((ByteBuffer key, Entry e) -> e.bytes())
                .executor(Runnable::run) // evict on the caller's thread: the budget holds when put returns
                .build();
    }

    boolean enabled() {
        return budgetBytes > 0;
    }

    long[] get(byte[] countKey, long seq) {
        Entry e = entries.getIfPresent(ByteBuffer.wrap(countKey));
        return e != null && e.seq() == seq ? e.ids() : null;
    }

    void put(byte[] countKey, long seq, long[] ids) {
        Entry e = new Entry(seq, ids);
        if (e.bytes() > budgetBytes / 4) {
            return; // one node must not empty the cache for everyone else
        }
        entries.put(ByteBuffer.wrap(countKey.clone()), e);
    }

    long usedBytes() {
        entries.cleanUp();
        return entries.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }
}
