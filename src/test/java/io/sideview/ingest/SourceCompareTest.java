package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.edge.EdgeState;
import io.sideview.edge.Mutation;
import io.sideview.edge.MutationType;
import io.sideview.edge.NodeAudit;
import io.sideview.edge.NodeSnapshot;
import io.sideview.edge.Side;
import io.sideview.edge.Transition;
import io.sideview.ingest.SourceCompare.Expected;
import io.sideview.ingest.SourceCompare.Found;
import io.sideview.jobs.api.JobResult.DifferenceKind;
import io.sideview.registry.model.Direction;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.ViewDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The comparison of one node side with its source rows, with the view's records given directly:
 * each kind of difference is found, an equal node side yields none, and a difference that a record
 * written at or after the read position explains is marked so (re-checked, not reported).
 */
class SourceCompareTest {
    private static final ViewDefinition VIEW = new ViewDefinition("friends", null, IdType.LONG, IdType.LONG, Direction.BOTH,
            List.of(new PropertyDef(1, "nickname", PropertyType.STRING, true, null),
                    new PropertyDef(2, "favorite", PropertyType.BOOLEAN, false, false)),
            List.of(), null);
    /** Rows were read with shard0 at v(P) = 1000: records at 1000 or above are later changes. */
    private static final Map<String, Long> LATER = Map.of("shard0", 1000L, "shard1", 5000L);

    private static Mutation insert(long target, long version, String nickname) {
        Map<String, Object> p = new HashMap<>();
        p.put("nickname", nickname);
        p.put("favorite", true);
        return new Mutation(MutationType.INSERT, 7L, target, version, p);
    }

    private static EdgeState state(Mutation... ms) {
        EdgeState s = EdgeState.EMPTY;
        for (Mutation m : ms) {
            s = Transition.apply(s, m, VIEW);
        }
        return s;
    }

    private static Map<Object, Expected> source(Mutation... rows) {
        Map<Object, Expected> out = new HashMap<>();
        for (Mutation m : rows) {
            out.put(m.target(), Expected.of(m, "shard0", VIEW));
        }
        return out;
    }

    private static NodeSnapshot view(Map<Object, EdgeState> states, long count, int indexMissing, int indexStale,
                                     Map<Object, EdgeState> twins) {
        long active = states.values().stream().filter(EdgeState::active).count();
        return new NodeSnapshot(states, count, new NodeAudit.Report(states.size(), active, count, true, indexMissing,
                indexStale, false, List.of()), twins);
    }

    private static List<Found> compare(Map<Object, Expected> source, NodeSnapshot view) {
        return SourceCompare.compare(VIEW, Side.OUT, source, view, LATER, true);
    }

    @Test
    void anEqualNodeSideHasNoDifference() {
        EdgeState a = state(insert(1, 10, "a"));
        EdgeState b = state(insert(2, 20, "b"));
        assertThat(compare(source(insert(1, 999, "a"), insert(2, 999, "b")),
                view(Map.of(1L, a, 2L, b), 2, 0, 0, Map.of(1L, a, 2L, b)))).isEmpty();
    }

    @Test
    void aSoftDeletedRowAndADeletedEdgeAgree() {
        EdgeState gone = state(insert(1, 10, "a"), new Mutation(MutationType.DELETE, 7L, 1L, 20, Map.of()));
        Mutation softDeleted = new Mutation(MutationType.DELETE, 7L, 1L, 999, Map.of());
        assertThat(compare(source(softDeleted), view(Map.of(1L, gone), 0, 0, 0, Map.of(1L, gone)))).isEmpty();
    }

    @Test
    void eachKindIsFoundAndNoneIsExplainedByOldRecords() {
        EdgeState wrongName = state(insert(2, 20, "not b"));
        EdgeState ghost = state(insert(3, 30, "c"));
        EdgeState agreed = state(insert(4, 40, "d"));
        EdgeState twinOfAgreed = state(insert(4, 41, "other"));
        List<Found> found = compare(source(insert(1, 999, "a"), insert(2, 999, "b"), insert(4, 999, "d")),
                view(Map.of(2L, wrongName, 3L, ghost, 4L, agreed), 9, 1, 2, Map.of(2L, wrongName, 3L, ghost, 4L, twinOfAgreed)));
        assertThat(found).extracting(Found::kind).containsExactlyInAnyOrder(DifferenceKind.MISSING_EDGE,
                DifferenceKind.PROPERTY, DifferenceKind.GHOST_EDGE, DifferenceKind.SIDES_DISAGREE, DifferenceKind.COUNT,
                DifferenceKind.INDEX_MISSING, DifferenceKind.INDEX_STALE);
        assertThat(found).noneMatch(Found::explained);
        assertThat(found).filteredOn(f -> f.kind() == DifferenceKind.PROPERTY).first()
                .satisfies(f -> assertThat(f.detail()).isEqualTo("nickname: source 'b', view 'not b'"));
        assertThat(found).filteredOn(f -> f.kind() == DifferenceKind.COUNT).first()
                .satisfies(f -> assertThat(f.detail()).contains("source: 3 active edges; view count: 9"));
    }

    @Test
    void aRecordWrittenAtOrAfterTheReadPositionExplainsItsDifference() {
        // The source row was read before a change at 1000 that the view already applied.
        EdgeState changedSince = state(insert(1, 10, "a"), insert(1, 1000, "newer"));
        EdgeState deletedSince = state(insert(2, 10, "b"), new Mutation(MutationType.DELETE, 7L, 2L, 1200, Map.of()));
        List<Found> found = compare(source(insert(1, 999, "a"), insert(2, 999, "b")),
                view(Map.of(1L, changedSince, 2L, deletedSince), 1, 0, 0, Map.of()));
        assertThat(found).extracting(Found::kind).containsExactlyInAnyOrder(DifferenceKind.PROPERTY,
                DifferenceKind.MISSING_EDGE, DifferenceKind.COUNT);
        assertThat(found).allMatch(Found::explained);
    }

    @Test
    void aGhostIsExplainedOnlyAboveEveryShardsPosition() {
        // No row on any shard: the edge's shard is unknown, so the lowest shard position decides.
        EdgeState old = state(insert(1, 999, "a"));
        EdgeState recent = state(insert(2, 1000, "b"));
        List<Found> found = compare(Map.of(), view(Map.of(1L, old, 2L, recent), 0, 0, 0, Map.of()));
        assertThat(found).filteredOn(f -> f.kind() == DifferenceKind.GHOST_EDGE)
                .extracting(Found::other, Found::explained)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(1L, false), org.assertj.core.groups.Tuple.tuple(2L, true));
    }

    @Test
    void twoShardsRowsOfOneEdgeJoinAsIngestionWould() {
        Expected a = Expected.of(insert(1, 100, "older"), "shard0", VIEW);
        Expected b = Expected.of(insert(1, 200, "newer"), "shard1", VIEW);
        Expected joined = a.and(b, VIEW);
        assertThat(joined.state().value(1)).isEqualTo("newer");
        assertThat(joined.shard()).isEqualTo("shard1");
    }
}
