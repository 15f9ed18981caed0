package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.edge.EdgeWriter;
import io.sideview.edge.IntakeLog;
import io.sideview.edge.MemoryKvStore;
import io.sideview.edge.Mutation;
import io.sideview.edge.MutationType;
import io.sideview.edge.Side;
import io.sideview.edge.ViewLayout;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.api.JobResult.DifferenceKind;
import io.sideview.registry.model.Binding;
import io.sideview.registry.model.ColumnMapping;
import io.sideview.registry.model.Direction;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.SoftDeleteRule;
import io.sideview.registry.model.SqlType;
import io.sideview.registry.model.VersionRule;
import io.sideview.registry.model.ViewDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One batch against fake shards and a view in memory: differences the view's older records cannot
 * explain are reported; differences a later change explains, or read while the view had not caught
 * up, are re-checked and end unconfirmed, never reported; a source that catches up settles them; a
 * repair makes a second check clean.
 */
class SourceBatchTest {
    private static final ViewDefinition VIEW = new ViewDefinition("friends", null, IdType.LONG, IdType.LONG, Direction.BOTH,
            List.of(new PropertyDef(1, "nickname", PropertyType.STRING, true, null)), List.of(),
            new Binding("friends", "social", "friends", List.of(
                    new ColumnMapping("user_id", SqlType.BIGINT, "source"),
                    new ColumnMapping("friend_id", SqlType.BIGINT, "target"),
                    new ColumnMapping("nickname", SqlType.VARCHAR, "nickname"),
                    new ColumnMapping("status", SqlType.VARCHAR, null)),
                    new VersionRule(VersionRule.Kind.BINLOG, null), new SoftDeleteRule("status", "DELETED")));
    private static final ViewLayout LAYOUT = new ViewLayout(3, VIEW, 0);
    /** Both fake shards are read at this position: the rows get v(P) - 1, later changes v(P) and above. */
    private static final BinlogPosition P = new BinlogPosition("binlog.000001", 5000, 0);

    private final MemoryKvStore store = new MemoryKvStore();
    private final EdgeWriter writer = new EdgeWriter(store, 2);
    private final IntakeLog intake = new IntakeLog(store, writer, null);
    private final FakeShards shards = new FakeShards();
    private boolean caughtUp = true;

    @BeforeEach
    void start() {
        writer.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        writer.stop();
    }

    /** Rows by shard; {@code reads} counts reads, {@code onRead} may change the rows between rounds. */
    static final class FakeShards implements SourceRows {
        final Map<String, List<Map<String, Object>>> rows = new HashMap<>(Map.of("s0", new ArrayList<>(), "s1", new ArrayList<>()));
        final AtomicInteger reads = new AtomicInteger();
        Runnable onRead = () -> {};

        void row(String shard, long user, long friend, String nickname, String status) {
            Map<String, Object> r = new HashMap<>();
            r.put("user_id", user);
            r.put("friend_id", friend);
            r.put("nickname", nickname);
            r.put("status", status);
            rows.get(shard).add(r);
        }

        @Override
        public List<String> shards() {
            return List.of("s0", "s1");
        }

        @Override
        public List<Read> read(String column, List<Object> ids) {
            onRead.run();
            reads.incrementAndGet();
            return readAt(P, rows, column, ids);
        }

        /** Every shard's rows whose {@code column} is one of {@code ids}, as read at {@code p}. */
        static List<Read> readAt(BinlogPosition p, Map<String, List<Map<String, Object>>> rows, String column, List<Object> ids) {
            List<Read> out = new ArrayList<>();
            for (String shard : rows.keySet().stream().sorted().toList()) {
                out.add(new Read(shard, p, p, rows.get(shard).stream().filter(r -> ids.contains(r.get(column))).toList()));
            }
            return out;
        }

        @Override
        public List<Object> distinct(String shard, String column, Object after, Object from, Object to, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }

    private void apply(MutationType type, long user, long friend, long version, String nickname) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("nickname", nickname);
        writer.apply(LAYOUT, new Mutation(type, user, friend, version, type == MutationType.DELETE ? Map.of() : p)).get(5, TimeUnit.SECONDS);
    }

    private JobResult.SourceVerify check(Side side, boolean repair, Object... nodes) throws Exception {
        SourceBatch.Totals totals = new SourceBatch.Totals();
        new SourceBatch(LAYOUT, side, side == Side.sidesOf(Direction.BOTH).get(0), shards, store, writer, intake,
                (group, shard, at, ms) -> caughtUp, repair).check(List.of(nodes), totals);
        return totals.result();
    }

    @Test
    void aViewThatEqualsItsSourceIsExact() throws Exception {
        shards.row("s0", 1, 10, "a", "ACTIVE");
        shards.row("s1", 1, 11, null, "ACTIVE");
        shards.row("s1", 1, 12, "gone", "DELETED");
        apply(MutationType.INSERT, 1, 10, 100, "a");
        apply(MutationType.INSERT, 1, 11, 200, null);
        apply(MutationType.INSERT, 1, 12, 300, "gone");
        apply(MutationType.DELETE, 1, 12, 400, null);
        JobResult.SourceVerify r = check(Side.OUT, false, 1L);
        assertThat(r.exact()).as(r.toString()).isTrue();
        assertThat(r.edges()).isEqualTo(2);
        assertThat(r.rows()).isEqualTo(3);
        assertThat(shards.reads.get()).isEqualTo(1);
    }

    @Test
    void oldDriftIsReportedAfterTheRechecks() throws Exception {
        shards.row("s0", 1, 10, "a", "ACTIVE");
        shards.row("s0", 1, 11, "b", "ACTIVE");
        apply(MutationType.INSERT, 1, 11, 100, "not b");
        apply(MutationType.INSERT, 1, 12, 100, "ghost");
        JobResult.SourceVerify r = check(Side.OUT, false, 1L);
        assertThat(r.differences()).containsEntry(DifferenceKind.MISSING_EDGE, 1L).containsEntry(DifferenceKind.PROPERTY, 1L)
                .containsEntry(DifferenceKind.GHOST_EDGE, 1L).containsEntry(DifferenceKind.COUNT, 0L);
        assertThat(r.unconfirmed()).isZero();
        assertThat(shards.reads.get()).isEqualTo(SourceBatch.ROUNDS);
        assertThat(r.samples()).extracting(JobResult.Difference::other).contains(10L, 11L, 12L);
    }

    @Test
    void aDifferenceALaterChangeExplainsIsNeverReported() throws Exception {
        // The view applied a change at v(P) or later that these rows cannot show: re-checked, then unconfirmed.
        shards.row("s0", 1, 10, "a", "ACTIVE");
        apply(MutationType.INSERT, 1, 10, P.version() + 7, "newer");
        JobResult.SourceVerify r = check(Side.OUT, false, 1L);
        assertThat(r.total()).as(r.toString()).isZero();
        assertThat(r.unconfirmed()).isEqualTo(1);
        assertThat(r.exact()).isFalse();
    }

    @Test
    void aSourceThatCatchesUpSettlesTheNode() throws Exception {
        shards.row("s0", 1, 10, "a", "ACTIVE");
        apply(MutationType.INSERT, 1, 10, P.version() + 7, "newer");
        shards.onRead = () -> {
            if (shards.reads.get() == 2) {
                shards.rows.get("s0").get(0).put("nickname", "newer");
            }
        };
        JobResult.SourceVerify r = check(Side.OUT, false, 1L);
        assertThat(r.exact()).as(r.toString()).isTrue();
        assertThat(shards.reads.get()).isEqualTo(3);
    }

    @Test
    void aViewNotCaughtUpWithTheReadPositionIsUnconfirmedNotDifferent() throws Exception {
        shards.row("s0", 1, 10, "a", "ACTIVE");
        caughtUp = false;
        JobResult.SourceVerify r = check(Side.OUT, false, 1L);
        assertThat(r.total()).isZero();
        assertThat(r.unconfirmed()).isEqualTo(1);
    }

    @Test
    void aRepairMakesBothSidesEqualTheSource() throws Exception {
        shards.row("s0", 1, 10, "a", "ACTIVE");
        shards.row("s1", 1, 11, "b", "DELETED");
        apply(MutationType.INSERT, 1, 11, 100, "b");
        apply(MutationType.INSERT, 1, 12, 100, "ghost");
        JobResult.SourceVerify before = check(Side.OUT, true, 1L);
        assertThat(before.total()).as(before.toString()).isEqualTo(4);
        JobResult.SourceVerify out = check(Side.OUT, false, 1L);
        JobResult.SourceVerify in = check(Side.IN, false, 10L, 11L, 12L);
        assertThat(out.exact()).as(out.toString()).isTrue();
        assertThat(in.exact()).as(in.toString()).isTrue();
    }

    @Test
    void differingAndUnconfirmedNodesAreNamedForAnotherRepairPass() throws Exception {
        shards.row("s0", 1, 10, "a", "ACTIVE");
        apply(MutationType.INSERT, 1, 10, 100, "a");
        shards.row("s0", 2, 10, "a", "ACTIVE");
        apply(MutationType.INSERT, 2, 10, P.version() + 7, "newer");
        apply(MutationType.INSERT, 3, 12, 100, "ghost");
        SourceBatch.Totals totals = new SourceBatch.Totals();
        new SourceBatch(LAYOUT, Side.OUT, true, shards, store, writer, intake, (group, shard, at, ms) -> true, false)
                .check(List.of(1L, 2L, 3L), totals);
        assertThat(totals.result().unconfirmed()).isEqualTo(1);
        assertThat(totals.revisit()).as("node 1 is exact, 2 still moving, 3 has a ghost").containsOnlyKeys(Side.OUT);
        assertThat(totals.revisit().get(Side.OUT)).containsExactly(2L, 3L);
    }
}
