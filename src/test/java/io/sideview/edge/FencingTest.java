package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A zombie owner (design §10): an applier that lost its WAL partition, with the rows it keeps gone
 * stale, applies late. With fencing, storage refuses it once the new owner has written the node side,
 * and the view stays exact; without, the same late apply leaves a wrong count (so the case tests the
 * fence). Over a store whose batches are atomic and one whose are not: fencing makes both atomic.
 */
class FencingTest {
    private static final long OLD = 5;
    private static final long NEW = 6;

    private static SideMutation out(long source, long target, long version) {
        return SideRouter.route(TestViews.LAYOUT, Side.OUT,
                new Mutation(MutationType.INSERT, source, target, version, Map.of("a", version)));
    }

    private static long count(MemoryKvStore store) {
        return SideApplier.count(store, TestViews.LAYOUT, Side.OUT, 1L);
    }

    private static boolean has(MemoryKvStore store, long target) {
        return store.get(TestViews.LAYOUT.stateKey(Side.OUT, 1L, target)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLateApplyOfALostOwnerIsRefusedOnceTheNewOwnerWrote(boolean atomic) {
        MemoryKvStore store = atomic ? MemoryKvStore.atomic() : new MemoryKvStore();
        SideApplier zombie = new SideApplier(store);
        SideApplier owner = new SideApplier(store);
        zombie.applyAll(List.of(out(1, 10, 1)), OLD);
        // The zombie pauses; its partition moves; the new owner applies from the committed offset on.
        owner.applyAll(List.of(out(1, 10, 1), out(1, 11, 2)), NEW);
        assertThatThrownBy(() -> zombie.applyAll(List.of(out(1, 12, 3)), OLD)).isInstanceOf(Fenced.class);
        assertThat(has(store, 12)).as("nothing of a refused node side lands").isFalse();
        assertThat(count(store)).isEqualTo(2);
        assertThat(store.fence(TestViews.LAYOUT.countKey(Side.OUT, 1L))).isEqualTo(NEW);
        // The record the zombie held reaches the new owner through the WAL: applied once.
        owner.applyAll(List.of(out(1, 12, 3)), NEW);
        assertThat(count(store)).isEqualTo(3);
    }

    @Test
    void withoutFencingTheSameLateApplyLeavesAWrongCount() {
        MemoryKvStore store = new MemoryKvStore();
        SideApplier zombie = new SideApplier(store);
        SideApplier owner = new SideApplier(store);
        zombie.applyAll(List.of(out(1, 10, 1)));
        owner.applyAll(List.of(out(1, 10, 1), out(1, 11, 2)));
        zombie.applyAll(List.of(out(1, 12, 3)));
        assertThat(has(store, 12)).isTrue();
        assertThat(count(store)).as("the zombie's kept count (1) + 1 over three active edges").isEqualTo(2);
    }

    @Test
    void aNodeSideNotYetWrittenByTheNewOwnerTakesTheLateApplyWhichTheNewOwnerThenFindsApplied() {
        MemoryKvStore store = new MemoryKvStore();
        SideApplier zombie = new SideApplier(store);
        SideApplier owner = new SideApplier(store);
        zombie.applyAll(List.of(out(1, 10, 1)), OLD);
        zombie.applyAll(List.of(out(1, 11, 2)), OLD);
        List<ApplyStatus> again = owner.applyAll(List.of(out(1, 10, 1), out(1, 11, 2)), NEW);
        assertThat(again).containsOnly(ApplyStatus.IDLE);
        assertThat(count(store)).isEqualTo(2);
    }

    @Test
    void theLanesFailALateApplyWithFencedAndKeepNothingOfIt() throws Exception {
        MemoryKvStore store = new MemoryKvStore();
        EdgeWriter zombie = new EdgeWriter(store, 1, UnaryOperator.identity(), 1024, 1024);
        zombie.start();
        try {
            zombie.apply(out(1, 10, 1), OLD).get(5, TimeUnit.SECONDS);
            new SideApplier(store).applyAll(List.of(out(1, 11, 2)), NEW);
            assertThatThrownBy(() -> zombie.apply(out(1, 12, 3), OLD).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(Fenced.class);
            // Unfenced work on the lane (a job's, a direct write's) reads storage again, not the zombie's rows.
            zombie.apply(out(1, 13, 4)).get(5, TimeUnit.SECONDS);
            assertThat(count(store)).isEqualTo(3);
        } finally {
            zombie.stop();
        }
    }
}
