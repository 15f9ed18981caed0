package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Crash-exact apply (design §4): for random event sequences, crash before every single row write of
 * the whole run, restart (a new applier on the same store) and replay from the event that was in
 * flight (at-least-once delivery); every record must equal a clean run. The second test turns the
 * commit protocol off and shows the same check catches the lost or doubled counts. On a store whose
 * batches are atomic (RocksDB) the apply writes no intent; there a crash can only fall between two
 * batches, and a store that claimed atomic batches without having them is caught.
 */
class CrashInjectionTest {

    /** {@code recordIntent = false}: on a store that loses every commit intent (the protocol turned off). */
    static Optional<String> counterexample(boolean recordIntent, long seed, int sequences) {
        return counterexample(stores(recordIntent), seed, sequences);
    }

    static Supplier<MemoryKvStore> stores(boolean recordIntent) {
        return recordIntent ? MemoryKvStore::new : MemoryKvStore::droppingIntents;
    }

    static Optional<String> counterexample(Supplier<MemoryKvStore> stores, long seed, int sequences) {
        return counterexample(stores, SideApplier::new, true, seed, sequences);
    }

    /** A defect on purpose: trusts the rows it kept over a failed batch. */
    private static final class Unforgetting extends SideApplier {
        Unforgetting(MemoryKvStore store) {
            super(store, 1024, 1024);
        }

        @Override
        void failed() {
        }
    }

    /**
     * A storage failure the process survives: the same applier (and the count rows it keeps in memory)
     * goes on after a failed write, the failed event delivered again. With {@code forgetOnFailure}
     * off, the applier would trust a kept row whose intent storage still holds.
     */
    static Optional<String> survivedFailureCounterexample(boolean forgetOnFailure, long seed, int sequences) {
        return counterexample(MemoryKvStore::new,
                store -> forgetOnFailure ? new SideApplier(store, 1024, 1024) : new Unforgetting(store),
                false, seed, sequences);
    }

    /**
     * Crashes before every row write of a clean run; then the event in flight is delivered again and
     * the rest follow, on a new applier ({@code restart}) or on the same one.
     */
    private static Optional<String> counterexample(Supplier<MemoryKvStore> stores,
                                                   Function<MemoryKvStore, SideApplier> applierOf, boolean restart,
                                                   long seed, int sequences) {
        Random random = new Random(seed);
        for (int s = 0; s < sequences; s++) {
            List<Mutation> events = EventSets.random(random, 3 + random.nextInt(4));
            MemoryKvStore clean = stores.get();
            EventSets.applyAll(applierOf.apply(clean), events);
            Map<String, String> expected = EventSets.records(clean);
            long steps = clean.steps();
            for (long crash = 1; crash <= steps; crash++) {
                MemoryKvStore store = stores.get();
                store.crashAt(crash);
                SideApplier applier = applierOf.apply(store);
                int inFlight = run(applier, events, 0);
                if (inFlight >= 0) {
                    assertThat(run(restart ? applierOf.apply(store) : applier, events, inFlight)).isEqualTo(-1);
                }
                if (!EventSets.records(store).equals(expected)) {
                    return Optional.of("crash before step " + crash + " of " + steps + " in " + events);
                }
            }
        }
        return Optional.empty();
    }

    /** Applies from {@code from}; returns the index of the event a crash interrupted, or -1. */
    private static int run(SideApplier applier, List<Mutation> events, int from) {
        for (int i = from; i < events.size(); i++) {
            try {
                applier.apply(TestViews.LAYOUT, Side.OUT, events.get(i));
                applier.apply(TestViews.LAYOUT, Side.IN, events.get(i));
            } catch (MemoryKvStore.Crash e) {
                return i;
            }
        }
        return -1;
    }

    /** The same with random batches: a crash inside a batch write, then the whole batch is delivered again. */
    static Optional<String> batchedCounterexample(boolean recordIntent, long seed, int sequences) {
        return batchedCounterexample(stores(recordIntent), seed, sequences);
    }

    static Optional<String> batchedCounterexample(Supplier<MemoryKvStore> stores, long seed,
                                                  int sequences) {
        Random random = new Random(seed);
        for (int s = 0; s < sequences; s++) {
            List<Mutation> events = EventSets.random(random, 3 + random.nextInt(4));
            List<List<SideMutation>> batches = EventSets.batches(events, random);
            MemoryKvStore clean = new MemoryKvStore();
            EventSets.applyAll(new SideApplier(clean), events);
            Map<String, String> expected = EventSets.records(clean);
            MemoryKvStore counting = stores.get();
            batches.forEach(b -> new SideApplier(counting).applyAll(b));
            long steps = counting.steps();
            for (long crash = 1; crash <= steps; crash++) {
                MemoryKvStore store = stores.get();
                store.crashAt(crash);
                int inFlight = runBatches(new SideApplier(store), batches, 0);
                if (inFlight >= 0) {
                    assertThat(runBatches(new SideApplier(store), batches, inFlight)).isEqualTo(-1);
                }
                if (!EventSets.records(store).equals(expected)) {
                    return Optional.of("batched: crash before step " + crash + " of " + steps + " in " + events);
                }
            }
        }
        return Optional.empty();
    }

    private static int runBatches(SideApplier applier, List<List<SideMutation>> batches, int from) {
        for (int i = from; i < batches.size(); i++) {
            try {
                applier.applyAll(batches.get(i));
            } catch (MemoryKvStore.Crash e) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void crashInsideBatchesThenReplayEqualsACleanApply() {
        assertThat(batchedCounterexample(true, 8, 300)).isEmpty();
    }

    @Test
    void batchesWithoutTheCommitRecordAreCaught() {
        assertThat(batchedCounterexample(false, 8, 300)).isPresent();
    }

    @Test
    void aFailedWriteThenReplayOnTheSameApplierEqualsACleanApply() {
        assertThat(survivedFailureCounterexample(true, 9, 300)).isEmpty();
    }

    @Test
    void keptCountRowsTrustedOverAFailureAreCaught() {
        assertThat(survivedFailureCounterexample(false, 9, 300)).isPresent();
    }

    @Test
    void crashAtEveryStepThenReplayEqualsACleanApply() {
        assertThat(counterexample(true, 7, 300)).isEmpty();
    }

    @Test
    void withoutTheCommitRecordACrashIsCaught() {
        assertThat(counterexample(false, 7, 300)).isPresent();
    }

    @Test
    void atomicBatchesWithoutIntentsCrashAtEveryBatchThenReplayEqualsACleanApply() {
        assertThat(counterexample(MemoryKvStore::atomic, 7, 300)).isEmpty();
        assertThat(batchedCounterexample(MemoryKvStore::atomic, 8, 300)).isEmpty();
    }

    @Test
    void aStoreClaimingAtomicBatchesWithoutThemIsCaught() {
        // The apply then writes no intent, so a crash between two rows of a batch loses or doubles counts.
        assertThat(counterexample(MemoryKvStore::falselyAtomic, 7, 300)).isPresent();
        assertThat(batchedCounterexample(MemoryKvStore::falselyAtomic, 8, 300)).isPresent();
    }
}
