package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sideview.edge.NodeAudit.Report;
import io.sideview.edge.NodeAudit.Twin;
import io.sideview.edge.RecordCodec.CountRecord;
import io.sideview.registry.model.IndexDef;
import io.sideview.storage.FencedWrite;
import io.sideview.storage.KeyRange;
import io.sideview.storage.KeyValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The audit must see every way a node side's derived rows (index, count) can drift from its state rows,
 * repair exactly those, and leave a correct node side alone. Faults are planted by writing the store
 * directly, as a bug or a lost write would.
 */
class NodeAuditTest {
    private static final ViewLayout LAYOUT = TestViews.LAYOUT;
    private static final List<IndexDef> INDEXES = TestViews.EDGES.indexes();
    private static final IndexDef RECENT = TestViews.EDGES.index("recent").orElseThrow();

    private final MemoryKvStore store = new MemoryKvStore();
    /** The store as the applies left it: what a repair must return to (count rows reduced to the count). */
    private Map<String, String> clean;

    private static Mutation insert(long source, long target, long version, Object... props) {
        Map<String, Object> p = new HashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            p.put((String) props[i], props[i + 1]);
        }
        return new Mutation(MutationType.INSERT, source, target, version, p);
    }

    private static Mutation delete(long source, long target, long version) {
        return new Mutation(MutationType.DELETE, source, target, version, Map.of());
    }

    /** Node 1 has three active edges (10, 11, 12) and a deleted one (13); node 2 one edge (10). */
    @BeforeEach
    void edges() {
        EventSets.applyAll(new SideApplier(store), history());
        clean = EventSets.records(store);
    }

    private static List<Mutation> history() {
        return List.of(
                insert(1, 10, 5, "a", 1L, "nick", "x", "favorite", true),
                insert(1, 11, 6, "a", 2L, "score", 1.5),
                insert(1, 12, 7, "nick", "y"),
                insert(1, 11, 8, "a", 3L), // moves 1 → 11 in "recent" and "by_version"
                insert(1, 13, 9, "a", 9L),
                delete(1, 13, 10),
                insert(2, 10, 11, "favorite", false));
    }

    private Report audit(Side side, long node, boolean repair) {
        return NodeAudit.run(store, LAYOUT, side, node, INDEXES, true, repair, true);
    }

    private EdgeState state(Side side, long node, long other) {
        return RecordCodec.decodeEdge(store.get(LAYOUT.stateKey(side, node, other)).orElseThrow()).state();
    }

    @Test
    void cleanNodeSidesReportCleanAndAreNotWritten() {
        long before = store.steps();
        for (boolean repair : new boolean[] {false, true}) {
            Report out1 = audit(Side.OUT, 1, repair);
            assertThat(out1).isEqualTo(new Report(4, 3, 3, true, 0, 0, false, List.of()));
            assertThat(out1.clean()).isTrue();
            assertThat(audit(Side.OUT, 2, repair)).isEqualTo(new Report(1, 1, 1, true, 0, 0, false, List.of()));
            assertThat(audit(Side.IN, 10, repair)).isEqualTo(new Report(2, 2, 2, true, 0, 0, false, List.of()));
            assertThat(audit(Side.IN, 13, repair)).isEqualTo(new Report(1, 0, 0, true, 0, 0, false, List.of()));
            // A node no edge ever touched.
            assertThat(audit(Side.OUT, 99, repair)).isEqualTo(new Report(0, 0, 0, true, 0, 0, false, List.of()));
        }
        assertThat(store.steps()).isEqualTo(before);
    }

    /** A fault on OUT 1, as a lost or extra write would leave it, and what the report must say. */
    enum Fault {
        INDEX_ROW_DELETED {
            @Override
            void plant(NodeAuditTest t) {
                t.store.delete(LAYOUT.indexKey(Side.OUT, 1L, 11L, t.state(Side.OUT, 1, 11), RECENT));
            }

            @Override
            void check(Report r) {
                assertThat(r.indexMissing()).isEqualTo(1);
                assertThat(r.indexStale()).isZero();
                assertThat(r.countWrong()).isFalse();
            }
        },
        /** The "recent" row of 1 → 11 as it was before the update at version 8 (a = 2): its delete was lost. */
        INDEX_ROW_STALE {
            @Override
            void plant(NodeAuditTest t) {
                EdgeState now = t.state(Side.OUT, 1, 11);
                Map<Integer, PropertyValue> old = new HashMap<>(now.properties());
                old.put(1, new PropertyValue(6, 2L));
                EdgeState was = new EdgeState(6, now.deleteVersion(), old);
                t.store.put(LAYOUT.indexKey(Side.OUT, 1L, 11L, was, RECENT), RecordCodec.encodeEdge(11L, was));
            }

            @Override
            void check(Report r) {
                assertThat(r.indexStale()).isEqualTo(1);
                assertThat(r.indexMissing()).isZero();
            }
        },
        /** Index rows of the deleted edge 1 → 13 left behind, in all three indexes. */
        INDEX_ROWS_OF_A_DELETED_EDGE {
            @Override
            void plant(NodeAuditTest t) {
                EdgeState deleted = t.state(Side.OUT, 1, 13);
                EdgeState alive = new EdgeState(deleted.insertVersion(), EdgeState.NONE, deleted.properties());
                for (IndexDef index : INDEXES) {
                    t.store.put(LAYOUT.indexKey(Side.OUT, 1L, 13L, alive, index), RecordCodec.encodeEdge(13L, alive));
                }
            }

            @Override
            void check(Report r) {
                assertThat(r.indexStale()).isEqualTo(3);
                assertThat(r.indexMissing()).isZero();
            }
        },
        /** The right key with another state's value: a reader would show the wrong properties. */
        INDEX_ROW_WITH_A_WRONG_VALUE {
            @Override
            void plant(NodeAuditTest t) {
                EdgeState now = t.state(Side.OUT, 1, 12);
                byte[] key = LAYOUT.indexKey(Side.OUT, 1L, 12L, now, RECENT);
                assertThat(t.store.get(key)).isPresent();
                // nick "z" instead of "y": not part of the "recent" key, so only the value is wrong.
                t.store.put(key, RecordCodec.encodeEdge(12L, new EdgeState(now.insertVersion(), now.deleteVersion(),
                        Map.of(2, new PropertyValue(7, "z")))));
            }

            @Override
            void check(Report r) {
                assertThat(r.indexMissing()).isEqualTo(1);
                assertThat(r.indexStale()).isZero();
            }
        },
        COUNT_TOO_HIGH {
            @Override
            void plant(NodeAuditTest t) {
                t.setCount(5);
            }

            @Override
            void check(Report r) {
                assertThat(r.countWrong()).isTrue();
                assertThat(r.countStored()).isEqualTo(5);
                assertThat(r.active()).isEqualTo(3);
                assertThat(r.indexMissing()).isZero();
                assertThat(r.indexStale()).isZero();
            }
        },
        COUNT_LOST {
            @Override
            void plant(NodeAuditTest t) {
                t.store.delete(LAYOUT.countKey(Side.OUT, 1L));
            }

            @Override
            void check(Report r) {
                assertThat(r.countWrong()).isTrue();
                assertThat(r.countStored()).isZero();
            }
        };

        abstract void plant(NodeAuditTest t);

        abstract void check(Report r);
    }

    private void setCount(long count) {
        CountRecord now = RecordCodec.decodeCount(store.get(LAYOUT.countKey(Side.OUT, 1L)).orElseThrow());
        store.put(LAYOUT.countKey(Side.OUT, 1L), RecordCodec.encodeCount(new CountRecord(count, now.appliedSeq(), null)));
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aPlantedFaultIsReportedThenRepairedAndTheNextRunIsClean(Fault fault) {
        fault.plant(this);
        Map<String, String> planted = store.dump();
        assertThat(EventSets.records(store)).isNotEqualTo(clean);

        Report found = audit(Side.OUT, 1, false);
        assertThat(found.clean()).isFalse();
        assertThat(found.states()).isEqualTo(4);
        assertThat(found.active()).isEqualTo(3);
        fault.check(found);
        assertThat(store.dump()).as("a run without repair writes nothing").isEqualTo(planted);

        assertThat(audit(Side.OUT, 1, true)).isEqualTo(found);
        assertThat(EventSets.records(store)).isEqualTo(clean);
        assertThat(SideApplier.count(store, LAYOUT, Side.OUT, 1L)).isEqualTo(3);
        Report again = audit(Side.OUT, 1, false);
        assertThat(again.clean()).isTrue();
        assertThat(again).isEqualTo(new Report(4, 3, 3, true, 0, 0, false, List.of()));
    }

    @Test
    void aWrongCountIsNotReportedWhenCountsAreNotChecked() {
        setCount(5);
        Map<String, String> planted = store.dump();
        Report r = NodeAudit.run(store, LAYOUT, Side.OUT, 1L, INDEXES, false, true, false);
        assertThat(r.countWrong()).isFalse();
        assertThat(r.clean()).isTrue();
        assertThat(r.countStored()).isEqualTo(5);
        assertThat(store.dump()).isEqualTo(planted);
    }

    /**
     * With several nodes the audit (a job's step) and the node side's WAL owner run on different nodes:
     * the owner applies a new edge between the audit's read and its repair. The repair must not land
     * over it (a count of 3 over 4 active edges); over a store that fences, the audit runs again.
     */
    @Test
    void aRepairRacingTheNodeSidesOwnerOnAnotherNodeAuditsAgain() {
        AtomicBoolean raced = new AtomicBoolean();
        MemoryKvStore racing = new MemoryKvStore() {
            @Override
            public boolean fences() {
                return true;
            }

            @Override
            public synchronized FencedWrite.Outcome[] writeFenced(long epoch, List<FencedWrite> sides) {
                if (raced.compareAndSet(false, true)) {
                    new SideApplier(this).applyAll(List.of(SideRouter.route(LAYOUT, Side.OUT, insert(1, 14, 20, "a", 4L))), 7);
                }
                return super.writeFenced(epoch, sides);
            }
        };
        EventSets.applyAll(new SideApplier(racing), history());
        CountRecord now = RecordCodec.decodeCount(racing.get(LAYOUT.countKey(Side.OUT, 1L)).orElseThrow());
        racing.put(LAYOUT.countKey(Side.OUT, 1L), RecordCodec.encodeCount(new CountRecord(5, now.appliedSeq(), null)));

        Report r = NodeAudit.run(racing, LAYOUT, Side.OUT, 1L, INDEXES, true, true, false);
        assertThat(raced).isTrue();
        assertThat(r.active()).as("the second audit saw the owner's edge").isEqualTo(4);
        assertThat(SideApplier.count(racing, LAYOUT, Side.OUT, 1L)).isEqualTo(4);
        assertThat(NodeAudit.run(racing, LAYOUT, Side.OUT, 1L, INDEXES, true, false, false).clean()).isTrue();
    }

    @Test
    void aRepairedCountCommitsAsTheNextApply() {
        CountRecord before = RecordCodec.decodeCount(store.get(LAYOUT.countKey(Side.OUT, 1L)).orElseThrow());
        setCount(5);
        audit(Side.OUT, 1, true);
        // A new applied-seq: the repair is a commit of its own, like any apply.
        assertThat(RecordCodec.decodeCount(store.get(LAYOUT.countKey(Side.OUT, 1L)).orElseThrow()))
                .isEqualTo(new CountRecord(3, before.appliedSeq() + 1, null));
    }

    @Test
    void onlyTheIndexesAskedForAreChecked() {
        Fault.INDEX_ROW_DELETED.plant(this);
        List<IndexDef> others = INDEXES.stream().filter(i -> i != RECENT).toList();
        assertThat(NodeAudit.run(store, LAYOUT, Side.OUT, 1L, others, true, false).clean()).isTrue();
        assertThat(NodeAudit.run(store, LAYOUT, Side.OUT, 1L, List.of(RECENT), true, false).indexMissing()).isEqualTo(1);
    }

    @Test
    void anInterruptedApplyIsFinishedFirstAndReported() {
        store.crashAt(2); // the intent is written, the state row is not
        SideApplier applier = new SideApplier(store);
        assertThatThrownBy(() -> applier.apply(LAYOUT, Side.OUT, insert(1, 14, 12, "a", 4L))).isInstanceOf(MemoryKvStore.Crash.class);
        assertThat(RecordCodec.decodeCount(store.get(LAYOUT.countKey(Side.OUT, 1L)).orElseThrow()).intent()).isNotNull();

        Report r = NodeAudit.run(store, LAYOUT, Side.OUT, 1L, INDEXES, true, false);
        assertThat(r.finishedInterruptedApply()).isTrue();
        // The finished apply is part of what was checked: four active edges, all derived rows in place.
        assertThat(r).isEqualTo(new Report(5, 4, 4, true, 0, 0, true, List.of()));
        assertThat(r.clean()).isTrue();
        assertThat(state(Side.OUT, 1, 14).active()).isTrue();
        assertThat(NodeAudit.run(store, LAYOUT, Side.OUT, 1L, INDEXES, true, false).finishedInterruptedApply()).isFalse();
    }

    /** More rows than one scan page (1024): the audit must page through all of them. */
    @Test
    void aNodeSideLargerThanAScanPageIsCheckedWhole() {
        List<Mutation> many = new ArrayList<>();
        for (long t = 0; t < 1500; t++) {
            many.add(insert(3, 1000 + t, 20 + t, "a", t, "nick", "n" + (t % 7)));
        }
        EventSets.applyInBatches(new SideApplier(store), many, new Random(3));
        assertThat(audit(Side.OUT, 3, false)).isEqualTo(new Report(1500, 1500, 1500, true, 0, 0, false, List.of()));

        // Faults past the first page of the state rows and of each index.
        store.delete(LAYOUT.indexKey(Side.OUT, 3L, 2400L, state(Side.OUT, 3, 2400), RECENT));
        EdgeState last = state(Side.OUT, 3, 2499);
        store.put(LAYOUT.indexKey(Side.OUT, 3L, 2499L, new EdgeState(last.insertVersion(), last.deleteVersion(), Map.of()), RECENT),
                RecordCodec.encodeEdge(2499L, last));
        Report r = audit(Side.OUT, 3, true);
        assertThat(r.indexMissing()).isEqualTo(1);
        assertThat(r.indexStale()).isEqualTo(1);
        assertThat(audit(Side.OUT, 3, false).clean()).isTrue();
    }

    // --- twins: OUT (s, t) and IN (t, s) hold the same edge ---

    @Test
    void aMissingOrDifferentTwinIsReported() {
        byte[] outKey11 = LAYOUT.stateKey(Side.OUT, 1L, 11L);
        byte[] inKey11 = LAYOUT.stateKey(Side.IN, 11L, 1L);
        byte[] outKey12 = LAYOUT.stateKey(Side.OUT, 1L, 12L);
        byte[] inKey12 = LAYOUT.stateKey(Side.IN, 12L, 1L);
        store.delete(inKey11);
        EdgeState s12 = state(Side.IN, 12, 1);
        byte[] older = RecordCodec.encodeEdge(1L, new EdgeState(s12.insertVersion() - 1, s12.deleteVersion(), s12.properties()));
        store.put(inKey12, older);

        Report r = audit(Side.OUT, 1, false);
        // Twins are reported beside the node side's own checks, which still pass.
        assertThat(r.clean()).isTrue();
        assertThat(r.twinDifferences()).hasSize(2);
        Twin missing = r.twinDifferences().get(0);
        assertThat(List.of(missing.source(), missing.target())).containsExactly(1L, 11L);
        assertThat(missing.key()).isEqualTo(outKey11);
        assertThat(missing.value()).isEqualTo(store.get(outKey11).orElseThrow());
        assertThat(missing.twinKey()).isEqualTo(inKey11);
        assertThat(missing.twinValue()).isNull();
        Twin different = r.twinDifferences().get(1);
        assertThat(List.of(different.source(), different.target())).containsExactly(1L, 12L);
        assertThat(different.key()).isEqualTo(outKey12);
        assertThat(different.twinKey()).isEqualTo(inKey12);
        assertThat(different.twinValue()).isEqualTo(older);

        // Seen from the other side: IN 12's state has a twin that differs; IN 11 has no state row left to compare.
        Report in12 = audit(Side.IN, 12, false);
        assertThat(in12.twinDifferences()).singleElement()
                .satisfies(t -> assertThat(List.of(t.source(), t.target())).containsExactly(1L, 12L));
        assertThat(audit(Side.IN, 11, false).twinDifferences()).isEmpty();

        // Not asked for, not looked at.
        assertThat(NodeAudit.run(store, LAYOUT, Side.OUT, 1L, INDEXES, true, false, false).twinDifferences()).isEmpty();
    }

    @Test
    void confirmKeepsTheDifferencesThatDidNotChangeInBetween() {
        store.delete(LAYOUT.stateKey(Side.IN, 11L, 1L));
        EdgeState s12 = state(Side.IN, 12, 1);
        byte[] in12 = LAYOUT.stateKey(Side.IN, 12L, 1L);
        byte[] good12 = store.get(in12).orElseThrow();
        store.put(in12, RecordCodec.encodeEdge(1L, new EdgeState(s12.insertVersion() - 1, s12.deleteVersion(), s12.properties())));
        List<Twin> candidates = audit(Side.OUT, 1, false).twinDifferences();
        assertThat(candidates).hasSize(2);

        assertThat(NodeAudit.confirm(store, candidates)).containsExactlyElementsOf(candidates);
        // An apply in flight lands on IN 12 before the second read: that difference was not real.
        store.put(in12, good12);
        assertThat(NodeAudit.confirm(store, candidates)).singleElement()
                .satisfies(t -> assertThat(t.target()).isEqualTo(11L));
    }

    @Test
    void twinDifferencesAreCappedPerNode() {
        // A node side whose other side was never written: every state row lacks its twin.
        SideApplier applier = new SideApplier(store);
        for (long t = 0; t < NodeAudit.MAX_TWINS + 20; t++) {
            applier.apply(LAYOUT, Side.OUT, insert(4, 5000 + t, 30));
        }
        Report r = audit(Side.OUT, 4, false);
        assertThat(r.states()).isEqualTo(NodeAudit.MAX_TWINS + 20);
        assertThat(r.twinDifferences()).hasSize(NodeAudit.MAX_TWINS);
        assertThat(r.twinDifferences()).allSatisfy(t -> assertThat(t.twinValue()).isNull());
    }

    @Test
    void aRepairLeavesTwinsAlone() {
        // The other side has its own writer: the audit of one side never writes the other's rows.
        byte[] in11 = LAYOUT.stateKey(Side.IN, 11L, 1L);
        store.delete(in11);
        assertThat(audit(Side.OUT, 1, true).twinDifferences()).hasSize(1);
        assertThat(store.get(in11)).isEmpty();
        assertThat(audit(Side.OUT, 1, false).twinDifferences()).hasSize(1);
    }

    @Test
    void theAuditReadsOnlyItsOwnNodeSide() {
        // Faults on node 2 and on the IN side do not show up in OUT 1's report.
        store.delete(LAYOUT.indexKey(Side.OUT, 2L, 10L, state(Side.OUT, 2, 10), RECENT));
        store.delete(LAYOUT.indexKey(Side.IN, 1L, 10L, state(Side.IN, 10, 1), RECENT)); // (source, target), not (node, other)
        assertThat(audit(Side.OUT, 1, false)).isEqualTo(new Report(4, 3, 3, true, 0, 0, false, List.of()));
        assertThat(audit(Side.OUT, 2, false).indexMissing()).isEqualTo(1);
        assertThat(audit(Side.IN, 10, false).indexMissing()).isEqualTo(1);
        List<KeyValue> rest = store.scan(KeyRange.prefix(LAYOUT.prefix(Side.OUT, RecordType.INDEX, 1L)), false, 100);
        assertThat(rest).hasSize(9);
    }
}
