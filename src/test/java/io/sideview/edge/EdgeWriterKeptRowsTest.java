package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.edge.RecordCodec.CountRecord;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rows a lane keeps in memory (count rows, state rows) never hide a write made by anyone else: a
 * job step on the lane, or (after {@link EdgeWriter#forgetKeptRows()}) another process. Each case
 * plants a row the lane cannot know and shows the next apply builds on it; the control cases show
 * that a kept row trusted instead gives another answer, so the cases test the kept rows.
 */
class EdgeWriterKeptRowsTest {
    private final MemoryKvStore store = new MemoryKvStore();
    private final MemoryKvStore fencing = MemoryKvStore.fencing();
    private final EdgeWriter writer = new EdgeWriter(store, 2, UnaryOperator.identity(), 1024, 1024);

    @BeforeEach
    void start() {
        writer.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        writer.stop();
    }

    private static Mutation insert(long source, long target, long version) {
        return new Mutation(MutationType.INSERT, source, target, version, Map.of("a", version));
    }

    private void apply(Mutation m) throws Exception {
        writer.apply(TestViews.LAYOUT, m).get(10, TimeUnit.SECONDS);
    }

    private long count() {
        return SideApplier.count(store, TestViews.LAYOUT, Side.OUT, 1L);
    }

    private void plantCount(long count) {
        store.put(TestViews.LAYOUT.countKey(Side.OUT, 1L), RecordCodec.encodeCount(new CountRecord(count, 99, null)));
    }

    /** Another writer's newer state of 1→2: inserted at version 10 with a = 10. */
    private void plantState() {
        EdgeState newer = new EdgeState(10, EdgeState.NONE, Map.of(1, new PropertyValue(10, 10L)));
        store.put(TestViews.LAYOUT.stateKey(Side.OUT, 1L, 2L), RecordCodec.encodeEdge(2L, newer));
    }

    /** Property a of the OUT state row 1→2. */
    private Object a() {
        return RecordCodec.decodeEdge(store.get(TestViews.LAYOUT.stateKey(Side.OUT, 1L, 2L)).orElseThrow())
                .state().value(1);
    }

    /** Applies 1→2, runs {@code between}, applies 1→3; answers the OUT count of node 1 after. */
    private long countAfter(ThrowingRunnable between) throws Exception {
        apply(insert(1, 2, 1));
        assertThat(count()).isEqualTo(1);
        between.run();
        apply(insert(1, 3, 2));
        return count();
    }

    /** Applies 1→2 at version 1, runs {@code between}, updates 1→2 at version 3; answers its a after. */
    private Object aAfter(ThrowingRunnable between) throws Exception {
        apply(insert(1, 2, 1));
        between.run();
        apply(new Mutation(MutationType.UPDATE, 1L, 2L, 3, Map.of("a", 3L)));
        return a();
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void onTheLane(Runnable step) throws Exception {
        writer.exclusive(TestViews.LAYOUT, Side.OUT, 1L, s -> {
            step.run();
            return null;
        }).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aJobStepOnTheLaneIsSeenByTheNextApply() throws Exception {
        assertThat(countAfter(() -> onTheLane(() -> plantCount(10)))).isEqualTo(11);
    }

    @Test
    void anotherWriterIsSeenAfterForgetKeptRows() throws Exception {
        assertThat(countAfter(() -> {
            plantCount(10);
            writer.forgetKeptRows().get(10, TimeUnit.SECONDS);
        })).isEqualTo(11);
    }

    @Test
    void withoutForgettingTheLaneWouldBuildOnItsOwnCountRow() throws Exception {
        // The control: proves the two cases above test the kept rows, not storage reads.
        assertThat(countAfter(() -> plantCount(10))).isEqualTo(2);
    }

    @Test
    void overAStoreThatFencesAnotherWriterIsSeenEvenWithoutForgetting() throws Exception {
        // The lane's write is conditioned on the count row it kept: changed, so it applies again from storage.
        EdgeWriter checked = new EdgeWriter(fencing, 2, UnaryOperator.identity(), 1024, 1024);
        checked.start();
        try {
            checked.apply(TestViews.LAYOUT, insert(1, 2, 1)).get(10, TimeUnit.SECONDS);
            fencing.put(TestViews.LAYOUT.countKey(Side.OUT, 1L), RecordCodec.encodeCount(new CountRecord(10, 99, null)));
            checked.apply(TestViews.LAYOUT, insert(1, 3, 2)).get(10, TimeUnit.SECONDS);
            assertThat(SideApplier.count(fencing, TestViews.LAYOUT, Side.OUT, 1L)).isEqualTo(11);
        } finally {
            checked.stop();
        }
    }

    @Test
    void aStateWrittenByAJobStepIsSeenByTheNextApply() throws Exception {
        // The newer state (version 10) wins over the update at version 3.
        assertThat(aAfter(() -> onTheLane(this::plantState))).isEqualTo(10L);
    }

    @Test
    void aStateWrittenByAnotherWriterIsSeenAfterForgetKeptRows() throws Exception {
        assertThat(aAfter(() -> {
            plantState();
            writer.forgetKeptRows().get(10, TimeUnit.SECONDS);
        })).isEqualTo(10L);
    }

    @Test
    void withoutForgettingTheLaneWouldBuildOnItsOwnStateRow() throws Exception {
        // The control: the kept state (version 1) is joined with the update, overwriting the planted one.
        assertThat(aAfter(this::plantState)).isEqualTo(3L);
    }
}
