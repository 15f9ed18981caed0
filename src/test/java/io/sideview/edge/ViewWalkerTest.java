package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Listing a side's nodes reads pages of keys: it must still see every node once, in key order, when
 * nodes hold more records than a page (a hot node), fewer (many per page), or records of one type
 * only (a state row without a count row, an index row without state); and it stops when asked.
 */
class ViewWalkerTest {

    @ParameterizedTest(name = "salt buckets {0}")
    @ValueSource(ints = {0, 8})
    void everyNodeOnceWhateverItsRecords(int saltBuckets) {
        MemoryKvStore store = new MemoryKvStore();
        ViewLayout layout = new ViewLayout(7, TestViews.EDGES, saltBuckets);
        SideApplier applier = new SideApplier(store);
        List<SideMutation> batch = new ArrayList<>();
        TreeSet<Long> expected = new TreeSet<>();
        for (long t = 0; t < 1500; t++) { // node 5: a hot node, several pages of each record type
            batch.add(SideRouter.route(layout, Side.OUT, new Mutation(MutationType.INSERT, 5L, t, 1, Map.of("a", t))));
        }
        expected.add(5L);
        for (long n = 10; n < 1300; n++) { // many small nodes: several per page
            batch.add(SideRouter.route(layout, Side.OUT, new Mutation(MutationType.INSERT, n, 1L, 1, Map.of("a", n))));
            expected.add(n);
        }
        for (int i = 0; i < batch.size(); i += 500) {
            applier.applyAll(batch.subList(i, Math.min(batch.size(), i + 500)));
        }
        EdgeState state = new Damage(store, layout).state(Side.OUT, 10L, 1L);
        store.put(layout.stateKey(Side.OUT, 3000L, 1L), RecordCodec.encodeEdge(1L, state)); // state, no count
        store.put(layout.indexKey(Side.OUT, 4000L, 1L, state, TestViews.EDGES.indexes().get(0)),
                RecordCodec.encodeEdge(1L, state)); // an index row only
        expected.add(3000L);
        expected.add(4000L);

        List<Object> seen = new ArrayList<>();
        assertThat(ViewWalker.forEachNode(store, layout, Side.OUT, seen::add)).isTrue();
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(seen.stream().map(o -> (Long) o).toList())).isEqualTo(expected);
        if (saltBuckets == 0) {
            assertThat(seen).as("key order").isEqualTo(new ArrayList<>(expected));
        }
        List<Object> in = new ArrayList<>();
        ViewWalker.forEachNode(store, layout, Side.IN, in::add);
        assertThat(in).as("the IN side was never written").isEmpty();

        List<Object> firstTen = new ArrayList<>();
        assertThat(ViewWalker.forEachNode(store, layout, Side.OUT, n -> firstTen.add(n) && firstTen.size() < 10)).isFalse();
        assertThat(firstTen).hasSize(10);
    }
}
