package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Mutual from the hot-node cache equals mutual from the rows: for two nodes with hundreds of targets,
 * across pages (cursors from one reader continue on the other), and after every round of further
 * writes to either node (a stale array would show old targets).
 */
class AdjacencyCacheTest {
    private final MemoryKvStore store = new MemoryKvStore();
    private final SideApplier applier = new SideApplier(store);
    private final ViewLayout layout = TestViews.LAYOUT;
    private final EdgeReader rows = new EdgeReader(store);
    private final EdgeReader cached = new EdgeReader(store, 8 << 20);
    private final Random random = new Random(3);
    private final TreeSet<Long> targetsOfA = new TreeSet<>();
    private final TreeSet<Long> targetsOfB = new TreeSet<>();
    private long version;

    private void write(long source, long target, boolean insert) {
        Mutation m = insert
                ? new Mutation(MutationType.INSERT, source, target, ++version, Map.of("favorite", true))
                : new Mutation(MutationType.DELETE, source, target, ++version, Map.of());
        applier.apply(layout, Side.OUT, m);
        TreeSet<Long> set = source == 1 ? targetsOfA : targetsOfB;
        if (insert) {
            set.add(target);
        } else {
            set.remove(target);
        }
    }

    private List<Object> walk(EdgeReader first, EdgeReader rest, int limit) {
        List<Object> all = new ArrayList<>();
        byte[] after = null;
        EdgeReader reader = first;
        do {
            EdgeReader.Page<Object> page = reader.mutual(layout, 1L, 2L, after, limit);
            assertThat(page.items().size()).isLessThanOrEqualTo(limit);
            all.addAll(page.items());
            after = page.lastKey();
            reader = rest;
        } while (after != null);
        return all;
    }

    @Test
    void cachedMutualEqualsTheRowWalkThroughWrites() {
        for (long t = 0; t < 600; t++) {
            if (random.nextInt(3) > 0) {
                write(1, t, true);
            }
            if (random.nextInt(3) > 0) {
                write(2, t, true);
            }
        }
        for (int round = 0; round < 20; round++) {
            TreeSet<Long> expected = new TreeSet<>(targetsOfA);
            expected.retainAll(targetsOfB);
            List<Object> want = new ArrayList<>(expected);
            assertThat(walk(rows, rows, 1000)).isEqualTo(want);
            assertThat(walk(cached, cached, 1000)).as("round %d, cached", round).isEqualTo(want);
            assertThat(walk(cached, cached, 17)).as("round %d, cached pages", round).isEqualTo(want);
            assertThat(walk(cached, rows, 23)).as("round %d, cursor from the cache to rows", round).isEqualTo(want);
            assertThat(walk(rows, cached, 29)).as("round %d, cursor from rows to the cache", round).isEqualTo(want);
            // More writes to one node or the other: deletes of shared targets, re-inserts, new targets.
            for (int i = 0; i < 15; i++) {
                long source = 1 + random.nextInt(2);
                long target = random.nextInt(700);
                write(source, target, random.nextInt(3) > 0);
            }
        }
    }

    /** The cache stays within its byte budget, answers only for the seq it was filled at, and keeps no giant. */
    @Test
    void theBudgetHoldsAndAStaleSeqMisses() {
        var cache = new AdjacencyCache(64 * 1024);
        long[] ids = new long[100];                                 // 864 bytes each
        for (int node = 0; node < 500; node++) {
            cache.put(new byte[] {(byte) (node >> 8), (byte) node}, 7, ids);
            assertThat(cache.usedBytes()).isLessThanOrEqualTo(64 * 1024);
        }
        assertThat(cache.usedBytes()).isPositive();
        // A full cache admits a newcomer only once it is asked for more than its victim (TinyLFU):
        // a one-off scan of cold nodes does not flush the hot ones. An empty one takes it at once.
        cache = new AdjacencyCache(64 * 1024);
        byte[] key = {9, 9, 9};
        cache.put(key, 7, ids);
        assertThat(cache.get(key, 7)).isSameAs(ids);
        assertThat(cache.get(key, 8)).as("the node changed since").isNull();
        byte[] big = {1, 1, 1};
        cache.put(big, 1, new long[4000]);                          // over a quarter of the budget
        assertThat(cache.get(big, 1)).isNull();
        assertThat(new AdjacencyCache(0).enabled()).isFalse();
    }
}
