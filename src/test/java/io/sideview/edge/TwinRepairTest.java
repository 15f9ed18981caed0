package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sideview.jobs.JobType;
import io.sideview.jobs.ViewAuditRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plants OUT/IN disagreements (mutations that reached one side only, as a crash between the two sides'
 * commits left them) and runs REBUILD: afterwards every record equals a clean apply of every mutation
 * to both sides, and VERIFY finds nothing.
 */
class TwinRepairTest {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void rebuildGivesBothSidesTheJoinOfTheirStates(long seed) throws Exception {
        Random random = new Random(seed);
        List<Mutation> everywhere = EventSets.random(random, 30);
        List<Mutation> oneSide = EventSets.random(random, 6);
        MemoryKvStore store = new MemoryKvStore();
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
            ViewAuditRun audit = new ViewAuditRun(store, lanes, new ObjectMapper());
            ObjectNode rebuilt = run(audit, JobType.REBUILD);
            if (planted) {
                assertThat(rebuilt.get("sideMismatches").asLong()).as(rebuilt.toString()).isPositive();
            }
            assertThat(EventSets.records(store)).isEqualTo(EventSets.records(model));
            ObjectNode verified = run(audit, JobType.VERIFY);
            assertThat(verified.get("exact").asBoolean()).as(verified.toString()).isTrue();
            assertThat(verified.get("sideMismatches").asLong()).isZero();
        } finally {
            lanes.stop();
        }
    }

    private static ObjectNode run(ViewAuditRun audit, JobType type) throws InterruptedException {
        return audit.run(type, TestViews.LAYOUT, TestViews.EDGES.indexes(), () -> false, done -> { });
    }
}
