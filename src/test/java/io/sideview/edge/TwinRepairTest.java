package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.jobs.ViewAuditRun;
import io.sideview.jobs.api.JobResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Plants OUT/IN disagreements (mutations that reached one side only, as a crash between the two sides'
 * commits left them) and runs REBUILD: afterwards every record equals a clean apply of every mutation
 * to both sides, and VERIFY finds nothing.
 */
class TwinRepairTest {
    /** {@code fencing}: over a store that fences, the joins are conditional writes (the owner may be elsewhere). */
    @ParameterizedTest
    @CsvSource({"1,false", "2,false", "3,false", "4,false", "5,true", "6,true", "7,true", "8,true"})
    void rebuildGivesBothSidesTheJoinOfTheirStates(long seed, boolean fencing) throws Exception {
        Random random = new Random(seed);
        List<Mutation> everywhere = EventSets.random(random, 30);
        List<Mutation> oneSide = EventSets.random(random, 6);
        MemoryKvStore store = fencing ? MemoryKvStore.fencing() : new MemoryKvStore();
        SideApplier direct = new SideApplier(store, 0, 0);
        EventSets.applyAll(direct, everywhere);
        for (Mutation m : oneSide) {
            direct.apply(TestViews.LAYOUT, random.nextBoolean() ? Side.OUT : Side.IN, m);
        }
        MemoryKvStore model = new MemoryKvStore();
        List<Mutation> all = new ArrayList<>(everywhere);
        all.addAll(oneSide);
        EventSets.applyAll(new SideApplier(model, 0, 0), all);
        boolean planted = !EventSets.records(store).equals(EventSets.records(model));

        EdgeWriter lanes = new EdgeWriter(store, 3);
        lanes.start();
        try {
            ViewAuditRun audit = new ViewAuditRun(store, lanes);
            JobResult.Rebuild rebuilt = audit.rebuild(TestViews.LAYOUT, () -> false, done -> { }).orElseThrow();
            if (planted) {
                assertThat(rebuilt.findings().sideMismatches()).as(rebuilt.toString()).isPositive();
            }
            assertThat(EventSets.records(store)).isEqualTo(EventSets.records(model));
            JobResult.Verify verified = audit.verify(TestViews.LAYOUT, () -> false, done -> { }).orElseThrow();
            assertThat(verified.exact()).as(verified.toString()).isTrue();
            assertThat(verified.findings().sideMismatches()).isZero();
        } finally {
            lanes.stop();
        }
    }
}
