package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A batch handed to the lanes at once ({@link EdgeWriter#apply(ViewLayout, List)}) is one task per
 * lane, so each lane applies its share in one storage batch however its thread was scheduled, and
 * every node side still sees its mutations in the order given.
 */
class EdgeWriterBulkTest {
    private static final int LANES = 3;
    private final MemoryKvStore store = new MemoryKvStore();
    private final EdgeWriter writer = new EdgeWriter(store, LANES, UnaryOperator.identity(), 1024, 1024);

    private static Mutation insert(long source, long target, long version, long a) {
        return new Mutation(MutationType.INSERT, source, target, version, Map.of("a", a));
    }

    @Test
    void aBulkIsOneLaneBatchPerLaneAndKeepsEachNodeSidesOrder() throws Exception {
        writer.start();
        try {
            List<Mutation> batch = new ArrayList<>();
            for (long source = 0; source < 50; source++) {
                for (long target = 0; target < 20; target++) {
                    batch.add(insert(source, target, 10, 1));
                }
            }
            // One node side changed twice in the batch: the later one (version 11) must land last. At
            // the same version order alone would decide, so it goes up: 11 then 12 (12 wins).
            batch.add(insert(1, 1, 11, 11));
            batch.add(insert(1, 1, 12, 12));
            long before = writer.batchTimer().getCount();
            List<CompletableFuture<ApplyStatus>> done = writer.apply(TestViews.LAYOUT, batch);
            assertThat(done).hasSize(batch.size());
            for (CompletableFuture<ApplyStatus> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
            // 1,002 mutations, 2,004 side mutations over every lane, one batch each (per-item tasks
            // were taken in as many batches as the lane happened to find queued when it woke).
            assertThat(writer.batchTimer().getCount() - before).isEqualTo(LANES);
            assertThat(SideApplier.count(store, TestViews.LAYOUT, Side.OUT, 1L)).isEqualTo(20);
            assertThat(SideApplier.count(store, TestViews.LAYOUT, Side.IN, 19L)).isEqualTo(50);
            assertThat(RecordCodec.decodeEdge(store.get(TestViews.LAYOUT.stateKey(Side.OUT, 1L, 1L)).orElseThrow())
                    .state().value(1)).isEqualTo(12L);
            assertThat(done.get(batch.size() - 1).get()).isEqualTo(ApplyStatus.UPDATED);
        } finally {
            writer.stop();
        }
    }

    @Test
    void aBulkForStoppedLanesFailsEveryItem() {
        List<CompletableFuture<ApplyStatus>> done = writer.apply(TestViews.LAYOUT, List.of(insert(1, 2, 1, 1), insert(3, 4, 1, 1)));
        assertThat(done).hasSize(2);
        for (CompletableFuture<ApplyStatus> f : done) {
            assertThatThrownBy(() -> f.get(1, TimeUnit.SECONDS)).hasCauseInstanceOf(EdgeWriter.Stopped.class);
        }
    }
}
