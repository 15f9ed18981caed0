package io.sideview.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sideview.edge.EdgeWriter;
import io.sideview.edge.IntakeLog;
import io.sideview.edge.Side;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.edge.ViewWalker;
import io.sideview.jobs.JobLedger;
import io.sideview.jobs.JobType;
import io.sideview.jobs.JobWork;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.api.JobScope;
import io.sideview.jobs.db.JobRow;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.PropertyType;
import io.sideview.storage.KvStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * SOURCE_VERIFY and REPAIR (design §11, after Vitess VDiff): compares a captured view with the rows
 * of its source table on every shard of its group, node by node, on every side the view keeps. The
 * nodes are the union of the view's nodes (so ghost edges are found) and the source's distinct ids,
 * in scope; each batch of nodes is compared by a {@link SourceBatch}. REPAIR then verifies the same
 * scope again and reports both.
 */
public final class SourceVerify implements JobWork {
    /** Nodes per batch: one {@code IN (...)} list per shard and side. */
    static final int BATCH = 500;
    /** Repair passes at most, each followed by a verify (see {@link #run}). */
    static final int REPAIR_ROUNDS = 3;
    /**
     * Edges per batch, by the view's counts: a batch's rows and expected edges are held in memory,
     * so 500 popular nodes (2,000 edges each, say) must not make one batch of a million.
     */
    static final long BATCH_EDGES = 20_000;
    private static final int PAGE = 10_000;

    /**
     * Where a SOURCE_VERIFY takes its work up again after its node died or restarted: the side it was
     * on and the last node it finished there (sides and nodes are walked in order), the nodes done, and
     * what it found until then. Nodes after it are compared from the rows as they are then, which is
     * what a verify that started later would do; nodes before it are not compared again.
     */
    record Checkpoint(Side side, Object after, long done, JobResult.SourceVerify found) {}

    /** Waits until the view applied a shard up to a position (IngestService#awaitApplied). */
    @FunctionalInterface
    public interface Applied {
        boolean await(String group, String shard, BinlogPosition p, long timeoutMs) throws InterruptedException;
    }

    /** Opens the source rows of a view's binding (JDBC on the group's shards; fakes in tests). */
    @FunctionalInterface
    interface Sources {
        SourceRows open(io.sideview.registry.model.Binding binding);
    }

    private final ViewCatalog catalog;
    private final KvStore store;
    private final EdgeWriter writer;
    private final IntakeLog intake;
    private final Applied applied;
    private final Sources sources;
    private final ObjectMapper mapper;

    public SourceVerify(ViewCatalog catalog, KvStore store, EdgeWriter writer, IntakeLog intake,
                        Map<String, SourceGroupConfig> groups, Applied applied, ObjectMapper mapper) {
        this(catalog, store, writer, intake, applied, b -> {
            SourceGroupConfig g = groups.get(b.sourceGroup());
            if (g == null) {
                throw new IllegalStateException("source group '" + b.sourceGroup() + "' is not configured on this node");
            }
            return new JdbcSourceRows(g, b);
        }, mapper);
    }

    SourceVerify(ViewCatalog catalog, KvStore store, EdgeWriter writer, IntakeLog intake, Applied applied, Sources sources,
                 ObjectMapper mapper) {
        this.catalog = catalog;
        this.store = store;
        this.writer = writer;
        this.intake = intake;
        this.applied = applied;
        this.sources = sources;
        this.mapper = mapper;
    }

    @Override
    public JobResult run(JobRow job, BooleanSupplier cancelled, JobLedger.Progress progress) throws Exception {
        ViewLayout layout = JobWork.viewOf(catalog, job);
        if (layout.definition().binding() == null) {
            throw new Gone("view '" + job.viewName() + "' has no binding (any more): nothing to compare with");
        }
        JobScope scope = scope(job.params(), layout);
        boolean repair = job.type() == JobType.REPAIR;
        try (SourceRows rows = sources.open(layout.definition().binding())) {
            Map<Side, List<Object>> nodes = nodes(layout, rows, scope);
            long total = nodes.values().stream().mapToLong(List::size).sum();
            long planned = repair ? 2 * total : total;
            progress.total(planned);
            long[] done = {0};
            // A REPAIR runs again from the start (its repairs are idempotent); a verify goes on from its checkpoint.
            Checkpoint resume = repair || job.checkpoint() == null ? null : checkpoint(job.checkpoint(), layout);
            SourceBatch.Totals before = repair
                    ? pass(layout, rows, nodes, true, cancelled, progress, done)
                    : resume == null
                    ? pass(layout, rows, nodes, false, true, new SourceBatch.Totals(), cancelled, progress, done)
                    : resumed(layout, rows, nodes, resume, cancelled, progress, done);
            if (before == null || !repair) {
                return before == null ? null : before.result();
            }
            long[] repairs = before.repairs.sums();
            // Verify again, over the nodes in scope now (a repair may have removed ghost nodes).
            SourceBatch.Totals after = pass(layout, rows, nodes(layout, rows, scope), false, cancelled, progress, done);
            // A node the stream was changing while the repair pass read it is left unconfirmed, not repaired,
            // and damage under it (a wrong property kept by a tombstone, say) outlives the pass: repair what
            // the verify still finds, and verify again, a bounded number of times.
            for (int round = 1; after != null && !after.result().exact() && round < REPAIR_ROUNDS; round++) {
                Map<Side, List<Object>> again = after.revisit();
                planned += again.values().stream().mapToLong(List::size).sum() + total;
                progress.total(planned);
                SourceBatch.Totals fixed = pass(layout, rows, again, true, cancelled, progress, done);
                if (fixed == null) {
                    return null;
                }
                long[] more = fixed.repairs.sums();
                for (int i = 0; i < repairs.length; i++) {
                    repairs[i] += more[i];
                }
                after = pass(layout, rows, nodes(layout, rows, scope), false, cancelled, progress, done);
            }
            if (after == null) {
                return null;
            }
            JobResult.SourceVerify again = after.result();
            return new JobResult.Repair(before.result(), repairs[0], repairs[1], repairs[2], repairs[3], again, again.exact());
        }
    }

    /** One pass of a REPAIR over the nodes of every side (not resumable: it runs again whole); null when cancelled. */
    private SourceBatch.Totals pass(ViewLayout layout, SourceRows rows, Map<Side, List<Object>> nodes, boolean repair,
                                        BooleanSupplier cancelled, JobLedger.Progress progress, long[] done)
            throws Exception {
        return pass(layout, rows, nodes, repair, false, new SourceBatch.Totals(), cancelled, progress, done);
    }

    /** The rest of a verify's pass after its checkpoint, its findings until then counted in. */
    private SourceBatch.Totals resumed(ViewLayout layout, SourceRows rows, Map<Side, List<Object>> nodes, Checkpoint at,
                                       BooleanSupplier cancelled, JobLedger.Progress progress, long[] done) throws Exception {
        Map<Side, List<Object>> rest = new java.util.EnumMap<>(Side.class);
        for (Side side : Side.sidesOf(layout.definition().direction())) {
            List<Object> list = nodes.getOrDefault(side, List.of());
            if (side.ordinal() > at.side().ordinal()) {
                rest.put(side, list);
            } else if (side == at.side()) {
                @SuppressWarnings({"unchecked", "rawtypes"})
                int from = Collections.binarySearch((List) list, at.after());
                rest.put(side, list.subList(from >= 0 ? from + 1 : -from - 1, list.size()));
            }
        }
        done[0] = at.done();
        progress.at(at.side() + " " + at.after(), done[0]);
        return pass(layout, rows, rest, false, true, SourceBatch.Totals.of(at.found()), cancelled, progress, done);
    }

    /** {@code resumable}: a SOURCE_VERIFY's pass, which leaves a {@link Checkpoint} with its progress. */
    private SourceBatch.Totals pass(ViewLayout layout, SourceRows rows, Map<Side, List<Object>> nodes, boolean repair,
                                    boolean resumable, SourceBatch.Totals totals, BooleanSupplier cancelled,
                                    JobLedger.Progress progress, long[] done) throws Exception {
        List<Side> sides = Side.sidesOf(layout.definition().direction());
        for (Side side : sides) {
            // Each edge's two sides are compared once, from the first side kept (OUT of a BOTH view).
            SourceBatch batch = new SourceBatch(layout, side, side == sides.get(0) && sides.size() == 2, rows, store, writer,
                    intake, applied, repair);
            List<Object> list = nodes.getOrDefault(side, List.of());
            for (int from = 0; from < list.size(); ) {
                if (cancelled.getAsBoolean()) {
                    return null;
                }
                List<Object> part = nextBatch(layout, side, list, from);
                batch.check(part, totals);
                from += part.size();
                done[0] += part.size();
                Object last = part.get(part.size() - 1);
                if (!resumable) {
                    progress.at(side + " " + last, done[0]);
                } else {
                    long doneNow = done[0];
                    progress.at(side + " " + last, doneNow, () -> json(new Checkpoint(side, last, doneNow, totals.result())));
                }
            }
        }
        progress.done(done[0]);
        return totals;
    }

    private String json(Checkpoint c) {
        try {
            return mapper.writeValueAsString(c);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a checkpoint that cannot be written as JSON: " + c, e);
        }
    }

    /** The job's checkpoint, its node read back as the side's id type (JSON reads small numbers as ints). */
    private Checkpoint checkpoint(String json, ViewLayout layout) throws Exception {
        Checkpoint c = mapper.readValue(json, Checkpoint.class);
        boolean longs = c.side().nodeType(layout.definition()) == IdType.LONG;
        return new Checkpoint(c.side(), id(c.after(), longs), c.done(), c.found());
    }

    /**
     * The nodes from {@code from} on: at most {@link #BATCH} of them and, by the view's counts, at most
     * {@link #BATCH_EDGES} edges (a node alone above that is a batch of its own).
     */
    private List<Object> nextBatch(ViewLayout layout, Side side, List<Object> list, int from) {
        List<Object> window = list.subList(from, Math.min(list.size(), from + BATCH));
        long[] counts = ViewWalker.counts(store, layout, side, window);
        long edges = 0;
        int n = 0;
        while (n < window.size() && (n == 0 || edges + counts[n] <= BATCH_EDGES)) {
            edges += counts[n];
            n++;
        }
        return window.subList(0, n);
    }

    /** Per side kept: the nodes to compare, sorted; the union of the view's and the source's, in scope. */
    private Map<Side, List<Object>> nodes(ViewLayout layout, SourceRows rows, JobScope scope) throws Exception {
        Map<Side, List<Object>> out = new java.util.EnumMap<>(Side.class);
        var def = layout.definition();
        for (Side side : Side.sidesOf(def.direction())) {
            // A range is of source ids: it bounds the other side's nodes only when they are of the same type.
            boolean ranged = scope.from() != null || scope.to() != null;
            boolean rangeFits = side.nodeType(def) == def.sourceType();
            Object from = ranged && rangeFits ? scope.from() : null;
            Object to = ranged && rangeFits ? scope.to() : null;
            if (ranged && !rangeFits) {
                out.put(side, List.of());
                continue;
            }
            TreeSet<Object> all = new TreeSet<>();
            JobScope bounds = new JobScope(from, to, null);
            ViewWalker.forEachNode(store, layout, side, node -> {
                if (bounds.inRange(node)) {
                    all.add(node);
                }
                return true;
            });
            // The side's role names the column: "source" for the side that lives under sources.
            String role = (String) side.node("source", "target");
            String column = def.binding().columnFor(role).orElseThrow().column();
            IdType type = side.nodeType(def);
            for (String shard : rows.shards()) {
                Object after = null;
                while (true) {
                    List<Object> page = rows.distinct(shard, column, after, from, to, PAGE);
                    for (Object v : page) {
                        try {
                            all.add(RowMapper.convert(v, PropertyType.of(type), column));
                        } catch (RowMapper.Unmappable e) {
                            // Not an id of the view's type: the row is a dead letter, never a node.
                        }
                    }
                    if (page.size() < PAGE) {
                        break;
                    }
                    after = page.get(page.size() - 1);
                }
            }
            List<Object> list = new ArrayList<>(all);
            if (scope.sample() != null && scope.sample() < list.size()) {
                Collections.shuffle(list, new Random());
                list = new ArrayList<>(new TreeSet<>(list.subList(0, (int) (long) scope.sample())));
            }
            out.put(side, list);
        }
        return out;
    }

    /** The job's scope, with range bounds of the view's source id type (JSON reads small numbers as ints). */
    private JobScope scope(String params, ViewLayout layout) throws Exception {
        if (params == null) {
            return JobScope.EVERY;
        }
        JobScope s = mapper.readValue(params, JobScope.class);
        boolean longs = layout.definition().sourceType() == IdType.LONG;
        return new JobScope(id(s.from(), longs), id(s.to(), longs), s.sample());
    }

    private static Object id(Object v, boolean longs) {
        if (v == null) {
            return null;
        }
        return longs ? (Object) ((Number) v).longValue() : v.toString();
    }
}
