package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sideview.storage.FencedWrite;
import io.sideview.storage.KvStore;
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
    private final ViewLayout layout = new ViewLayout(7, TestViews.EDGES, saltBuckets());

    /** The store under test: a fake whose batches are atomic or not; HBase in {@code HBaseFencingTest}. */
    protected KvStore open(boolean atomic) {
        return atomic ? MemoryKvStore.atomic() : new MemoryKvStore();
    }

    protected int saltBuckets() {
        return 0;
    }

    private SideMutation out(long source, long target, long version) {
        return SideRouter.route(layout, Side.OUT, new Mutation(MutationType.INSERT, source, target, version, Map.of("a", version)));
    }

    private long count(KvStore store) {
        return SideApplier.count(store, layout, Side.OUT, 1L);
    }

    private boolean has(KvStore store, long target) {
        return store.get(layout.stateKey(Side.OUT, 1L, target)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLateApplyOfALostOwnerIsRefusedOnceTheNewOwnerWrote(boolean atomic) {
        KvStore store = open(atomic);
        SideApplier zombie = new SideApplier(store);
        SideApplier owner = new SideApplier(store);
        zombie.applyAll(List.of(out(1, 10, 1)), OLD);
        // The zombie pauses; its partition moves; the new owner applies from the committed offset on.
        owner.applyAll(List.of(out(1, 10, 1), out(1, 11, 2)), NEW);
        assertThatThrownBy(() -> zombie.applyAll(List.of(out(1, 12, 3)), OLD)).isInstanceOf(Fenced.class);
        assertThat(has(store, 12)).as("nothing of a refused node side lands").isFalse();
        assertThat(count(store)).isEqualTo(2);
        // The record the zombie held reaches the new owner through the WAL: applied once.
        owner.applyAll(List.of(out(1, 12, 3)), NEW);
        assertThat(count(store)).isEqualTo(3);
    }

    /**
     * The fence rises only with the new owner's first write of a node side; a late apply of the zombie
     * landing between the owner's read of that side and its first write is allowed by the fence. The
     * owner's write must then not overwrite it from what it read: it carries the count row it expects.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anOwnerThatReadANodeSideBeforeALateApplyLandedAppliesOnTopOfIt(boolean atomic) {
        KvStore store = open(atomic);
        assertThat(raceWithALateApply(store)).containsExactly(ApplyStatus.IDLE, ApplyStatus.CREATED);
        assertThat(count(store)).isEqualTo(3);
        assertThatThrownBy(() -> new SideApplier(store).applyAll(List.of(out(1, 13, 4)), OLD)).isInstanceOf(Fenced.class);
    }

    @Test
    void withoutTheCountRowCheckTheOwnerWouldOverwriteTheLateApply() {
        KvStore store = new MemoryKvStore() {
            @Override
            public synchronized FencedWrite.Outcome[] writeFenced(long epoch, List<FencedWrite> sides) {
                return super.writeFenced(epoch, sides.stream().map(s -> new FencedWrite(s.fenceKey(), s.writes())).toList());
            }
        };
        raceWithALateApply(store);
        assertThat(has(store, 11)).isTrue();
        assertThat(count(store)).as("the owner's kept count (1) + 1 over three active edges").isEqualTo(2);
    }

    /** The zombie's late apply of edge 11 lands between the owner's read of node 1 and its first write. */
    private List<ApplyStatus> raceWithALateApply(KvStore store) {
        SideApplier zombie = new SideApplier(store);
        SideApplier owner = new SideApplier(store);
        zombie.applyAll(List.of(out(1, 10, 1)), OLD);
        // The owner's first record of the node side is one the zombie applied: idle, nothing written
        // (the fence stays OLD), and the owner keeps the count row it read.
        assertThat(owner.applyAll(List.of(out(1, 10, 1)), NEW)).containsOnly(ApplyStatus.IDLE);
        zombie.applyAll(List.of(out(1, 11, 2)), OLD);
        return owner.applyAll(List.of(out(1, 11, 2), out(1, 12, 3)), NEW);
    }

    @Test
    void withoutFencingTheSameLateApplyLeavesAWrongCount() {
        KvStore store = open(false);
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
        KvStore store = open(false);
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
        KvStore store = open(false);
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
