package io.sideview.ingest;

import io.sideview.edge.EdgeWriter;
import io.sideview.edge.IntakeLog;
import io.sideview.edge.Mutation;
import io.sideview.edge.MutationType;
import io.sideview.edge.NodeAudit;
import io.sideview.edge.NodeSnapshot;
import io.sideview.edge.Side;
import io.sideview.edge.ViewLayout;
import io.sideview.ingest.SourceCompare.Expected;
import io.sideview.ingest.SourceCompare.Found;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.api.JobResult.DifferenceKind;
import io.sideview.registry.model.ViewDefinition;
import io.sideview.storage.KvStore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compares one batch of nodes of one side with the source, racing the stream safely: per shard, the
 * rows are read in a consistent snapshot between two recorded positions, and the view is read (on
 * each node's lane) only once it has applied every shard up to the second one. A difference the
 * view's newer records explain is read again, up to {@link #ROUNDS} times; a node still moving then
 * is {@code unconfirmed}, never a difference. With {@code repair}, the differences left are
 * re-derived from the rows read (see {@link #repair}).
 */
final class SourceBatch {
    static final int ROUNDS = 5;
    static final int SAMPLES = 12;
    private static final long WAIT_MS = 30_000;
    private static final long LANE_MS = 120_000;

    private final ViewLayout layout;
    private final ViewDefinition view;
    private final Side side;
    private final boolean twins;
    private final SourceRows rows;
    private final KvStore store;
    private final EdgeWriter writer;
    private final IntakeLog intake;
    private final SourceVerify.Applied applied;
    private final boolean repair;
    private final String column;

    SourceBatch(ViewLayout layout, Side side, boolean twins, SourceRows rows, KvStore store, EdgeWriter writer,
                IntakeLog intake, SourceVerify.Applied applied, boolean repair) {
        this.layout = layout;
        this.view = layout.definition();
        this.side = side;
        this.twins = twins;
        this.rows = rows;
        this.store = store;
        this.writer = writer;
        this.intake = intake;
        this.applied = applied;
        this.repair = repair;
        // The side's role names the column: "source" for the side that lives under sources.
        this.column = view.binding().columnFor((String) side.node("source", "target")).orElseThrow().column();
    }

    /** What was read and found in one round. */
    private record Round(Map<Object, Map<Object, Expected>> expected, Map<Object, List<Found>> found, boolean waited,
                         long maxSnapshotVersion, long rows, long unmappable) {}

    void check(List<Object> nodes, Totals totals) throws Exception {
        List<Object> pending = nodes;
        boolean first = true;
        for (int round = 0; ; round++) {
            Round r = round(pending);
            if (first) {
                totals.rows.addAndGet(r.rows);
                totals.unmappable.addAndGet(r.unmappable);
                first = false;
            }
            List<Object> differing = new ArrayList<>();
            for (Object node : pending) {
                List<Found> f = r.found.get(node);
                if (f.isEmpty()) {
                    totals.settled(r.expected.getOrDefault(node, Map.of()));
                } else {
                    differing.add(node);
                }
            }
            if (differing.isEmpty() || round == ROUNDS - 1) {
                for (Object node : differing) {
                    settle(node, r, totals);
                }
                return;
            }
            pending = differing;
            // Give the stream a moment: a difference a later change explains is usually gone by then.
            Thread.sleep(100L * (round + 1));
        }
    }

    /** A node still differing after the last round: its unexplained differences count, the rest leaves it unconfirmed. */
    private void settle(Object node, Round r, Totals totals) throws Exception {
        Map<Object, Expected> expected = r.expected.getOrDefault(node, Map.of());
        totals.settled(expected);
        List<Found> real = new ArrayList<>();
        boolean moving = !r.waited;
        for (Found f : r.found.get(node)) {
            if (f.explained() || !r.waited) {
                moving = true;
            } else {
                real.add(f);
            }
        }
        if (moving) {
            totals.unconfirmed.incrementAndGet();
        }
        if (moving || !real.isEmpty()) {
            totals.revisit(side, node);
        }
        for (Found f : real) {
            totals.add(new JobResult.Difference(f.kind(), side.name(), node, f.other(), f.detail()));
        }
        if (repair) {
            // Even a node still moving gets its count and index rows rewritten from its states: they
            // are derived records, checked on the node's own lane, whatever the stream does meanwhile.
            repair(node, real, expected, r.maxSnapshotVersion, totals.repairs);
        }
    }

    private Round round(List<Object> nodes) throws Exception {
        List<SourceRows.Read> reads = rows.read(column, nodes);
        Map<String, Long> laterFrom = new HashMap<>();
        boolean waited = true;
        long maxSnapshot = Long.MIN_VALUE;
        long rowCount = 0;
        long unmappable = 0;
        Map<Object, Map<Object, Expected>> expected = new HashMap<>();
        for (SourceRows.Read read : reads) {
            laterFrom.put(read.shard(), read.before().version());
            maxSnapshot = Math.max(maxSnapshot, read.before().snapshotVersion());
            rowCount += read.rows().size();
            for (Map<String, Object> row : read.rows()) {
                RowChange change = new RowChange(read.shard(), view.binding().database(), view.binding().table(), 'r',
                        null, row, read.before(), true);
                try {
                    for (Mutation m : RowMapper.map(change, view)) {
                        Object node = side.node(m.source(), m.target());
                        Object other = side.other(m.source(), m.target());
                        Expected e = Expected.of(m, read.shard(), view);
                        expected.computeIfAbsent(node, k -> new HashMap<>()).merge(other, e, (a, b) -> a.and(b, view));
                    }
                } catch (RowMapper.Unmappable ex) {
                    unmappable++;
                }
            }
        }
        for (SourceRows.Read read : reads) {
            // The view must have applied everything the snapshot could show before it is compared.
            waited &= applied.await(view.binding().sourceGroup(), read.shard(), read.after(), WAIT_MS);
        }
        Map<Object, CompletableFuture<NodeSnapshot>> views = new LinkedHashMap<>();
        for (Object node : nodes) {
            List<Object> twinsOf = twins ? new ArrayList<>(expected.getOrDefault(node, Map.of()).keySet()) : null;
            views.put(node, writer.exclusive(layout, side, node, s -> NodeSnapshot.read(s, layout, side, node, twinsOf)));
        }
        Map<Object, List<Found>> found = new HashMap<>();
        for (Object node : nodes) {
            NodeSnapshot snapshot = views.get(node).get(LANE_MS, TimeUnit.MILLISECONDS);
            found.put(node, SourceCompare.compare(view, side, expected.getOrDefault(node, Map.of()), snapshot, laterFrom, twins));
        }
        return new Round(expected, found, waited, maxSnapshot, rowCount, unmappable);
    }

    /**
     * Re-derives a node side's differing edges from the rows read: each row's own mutation (an upsert,
     * or the soft delete, at v(P) - 1), and a delete at v(P) - 1 for an edge no shard has, through the
     * intake log (every side the view keeps). A later change of the stream wins over it by version, so a
     * race is harmless. Then both sides of edges whose sides disagreed get the join of the two, and the
     * node side's count and index rows are rewritten from its states.
     */
    private void repair(Object node, List<Found> real, Map<Object, Expected> expected, long deleteVersion,
                        RepairCounts counts) throws Exception {
        Map<Object, Mutation> writes = new LinkedHashMap<>();
        List<Object> joins = new ArrayList<>();
        for (Found f : real) {
            if (f.other() == null) {
                continue;
            }
            Expected e = expected.get(f.other());
            if (e != null) {
                writes.put(f.other(), e.mutation());
            } else if (f.kind() == DifferenceKind.GHOST_EDGE) {
                writes.put(f.other(), new Mutation(MutationType.DELETE, side.source(node, f.other()),
                        side.target(node, f.other()), deleteVersion, Map.of()));
            }
            if (f.kind() == DifferenceKind.SIDES_DISAGREE) {
                joins.add(f.other());
            }
        }
        if (!writes.isEmpty()) {
            List<Mutation> list = new ArrayList<>(writes.values());
            for (IntakeLog.Outcome o : intake.finish(intake.write(layout, list), LANE_MS)) {
                if (o.failure() != null) {
                    throw new IllegalStateException("a repair write was not applied: " + o.failure(), o.failure());
                }
            }
            list.forEach(m -> (m.type() == MutationType.DELETE ? counts.deletes : counts.upserts).incrementAndGet());
        }
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (Object other : joins) {
            Object source = side.source(node, other);
            Object target = side.target(node, other);
            for (Side s : Side.sidesOf(view.direction())) {
                pending.add(writer.exclusive(layout, s, s.node(source, target),
                        st -> NodeAudit.joinTwins(st, layout, s, source, target, view.indexes())));
            }
            counts.joined.incrementAndGet();
        }
        // The writes moved the other sides' counts by their deltas: rewrite those node sides too, so a
        // count that was off there (the twin of a missing edge, say) is set from the states now.
        for (Mutation m : writes.values()) {
            for (Side s : Side.sidesOf(view.direction())) {
                if (s != side) {
                    Object other = s.node(m.source(), m.target());
                    pending.add(writer.exclusive(layout, s, other, st -> NodeAudit.run(st, layout, s, other, view.indexes(), true, true)));
                }
            }
        }
        for (CompletableFuture<?> f : pending) {
            f.get(LANE_MS, TimeUnit.MILLISECONDS);
        }
        NodeAudit.Report rewritten = writer.exclusive(layout, side, node,
                st -> NodeAudit.run(st, layout, side, node, view.indexes(), true, true)).get(LANE_MS, TimeUnit.MILLISECONDS);
        if (!rewritten.clean()) {
            counts.rewritten.incrementAndGet();
        }
    }

    /** What a repair wrote. */
    static final class RepairCounts {
        final AtomicLong upserts = new AtomicLong();
        final AtomicLong deletes = new AtomicLong();
        final AtomicLong rewritten = new AtomicLong();
        final AtomicLong joined = new AtomicLong();

        /** Upserts, deletes, node sides rewritten, sides joined: the order of {@code JobResult.Repair}. */
        long[] sums() {
            return new long[] {upserts.get(), deletes.get(), rewritten.get(), joined.get()};
        }
    }

    /** What a pass found, over every batch and side. */
    static final class Totals {
        final AtomicLong nodes = new AtomicLong();
        final AtomicLong edges = new AtomicLong();
        final AtomicLong rows = new AtomicLong();
        final AtomicLong unconfirmed = new AtomicLong();
        final AtomicLong unmappable = new AtomicLong();
        final RepairCounts repairs = new RepairCounts();
        private final Map<DifferenceKind, Long> byKind = new EnumMap<>(DifferenceKind.class);
        private final List<JobResult.Difference> samples = new ArrayList<>();

        Totals() {
            for (DifferenceKind k : DifferenceKind.values()) {
                byKind.put(k, 0L);
            }
        }

        /** The totals a resumed verify goes on from: what it found before its checkpoint. */
        static Totals of(JobResult.SourceVerify found) {
            Totals t = new Totals();
            t.nodes.set(found.nodes());
            t.edges.set(found.edges());
            t.rows.set(found.rows());
            t.unconfirmed.set(found.unconfirmed());
            t.unmappable.set(found.unmappable());
            found.differences().forEach(t.byKind::put);
            t.samples.addAll(found.samples());
            return t;
        }

        /** Per side, the nodes that differed or were left unconfirmed, in the order met (the pass's, sorted). */
        private final Map<Side, List<Object>> revisit = new EnumMap<>(Side.class);

        synchronized void revisit(Side side, Object node) {
            revisit.computeIfAbsent(side, k -> new ArrayList<>()).add(node);
        }

        synchronized Map<Side, List<Object>> revisit() {
            Map<Side, List<Object>> out = new EnumMap<>(Side.class);
            revisit.forEach((side, nodes) -> out.put(side, List.copyOf(nodes)));
            return out;
        }

        void settled(Map<Object, Expected> expected) {
            nodes.incrementAndGet();
            edges.addAndGet(expected.values().stream().filter(e -> e.state().active()).count());
        }

        /** Samples keep the first difference of each kind, then the next ones up to {@link #SAMPLES}. */
        synchronized void add(JobResult.Difference d) {
            boolean firstOfKind = byKind.get(d.kind()) == 0;
            byKind.merge(d.kind(), 1L, Long::sum);
            if (samples.size() < SAMPLES - DifferenceKind.values().length || (firstOfKind && samples.size() < SAMPLES)) {
                samples.add(d);
            }
        }

        synchronized JobResult.SourceVerify result() {
            // Exact: nothing differs, and no node was left unconfirmed.
            boolean exact = byKind.values().stream().allMatch(n -> n == 0) && unconfirmed.get() == 0;
            return new JobResult.SourceVerify(nodes.get(), edges.get(), rows.get(), byKind, unconfirmed.get(), unmappable.get(),
                    samples, exact);
        }
    }
}
