package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.edge.RecordCodec.CountRecord;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The count rows a lane keeps in memory never hide a write made by anyone else: a job step on the
 * lane, or (after {@link EdgeWriter#forgetCounts()}) another process. Each case plants a count the
 * lane cannot know and shows the next apply builds on it; with a kept row trusted, the count would be
 * the lane's own (2, not 11).
 */
class EdgeWriterKeptCountsTest {
    private final MemoryKvStore store = new MemoryKvStore();
    private final EdgeWriter writer = new EdgeWriter(store, 2, UnaryOperator.identity(), 1024);

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

    /** Applies 1→2, runs {@code between}, applies 1→3; answers the OUT count of node 1 after. */
    private long countAfter(ThrowingRunnable between) throws Exception {
        apply(insert(1, 2, 1));
        assertThat(count()).isEqualTo(1);
        between.run();
        apply(insert(1, 3, 2));
        return count();
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aJobStepOnTheLaneIsSeenByTheNextApply() throws Exception {
        assertThat(countAfter(() -> writer.exclusive(TestViews.LAYOUT, Side.OUT, 1L, s -> {
            plantCount(10);
            return null;
        }).get(10, TimeUnit.SECONDS))).isEqualTo(11);
    }

    @Test
    void anotherWriterIsSeenAfterForgetCounts() throws Exception {
        assertThat(countAfter(() -> {
            plantCount(10);
            writer.forgetCounts().get(10, TimeUnit.SECONDS);
        })).isEqualTo(11);
    }

    @Test
    void withoutForgettingTheLaneWouldBuildOnItsOwnRow() throws Exception {
        // The control: proves the two cases above test the kept rows, not storage reads.
        assertThat(countAfter(() -> plantCount(10))).isEqualTo(2);
    }
}
