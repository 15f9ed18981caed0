package io.sideview.jobs;

import io.sideview.edge.EdgeWriter;
import io.sideview.edge.NodeAudit;
import io.sideview.edge.Side;
import io.sideview.edge.ViewLayout;
import io.sideview.edge.ViewWalker;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.api.JobResult.Findings;
import io.sideview.registry.model.IndexDef;
import io.sideview.storage.KvStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * One pass over every node of a view (both sides it keeps), each node checked by {@link NodeAudit} on
 * its own apply lane: VERIFY reads only, REBUILD and INDEX_BUILD rewrite what differs from the state
 * records. A bounded number of nodes is in flight at once, so a pass never floods the lanes that also
 * carry live applies.
 */
public final class ViewAuditRun {
    private static final int IN_FLIGHT = 64;
    private static final int SAMPLES = 20;
    /** Twin differences kept for confirmation; beyond, they are only counted. */
    private static final int MAX_TWIN_CANDIDATES = 10_000;

    private final KvStore store;
    private final EdgeWriter writer;

    public ViewAuditRun(KvStore store, EdgeWriter writer) {
        this.store = store;
        this.writer = writer;
    }

    /** What a pass found, summed over nodes; {@code samples} names the first nodes that differed. */
    static final class Totals {
        final AtomicLong nodes = new AtomicLong();
        final AtomicLong edges = new AtomicLong();
        final AtomicLong countMismatches = new AtomicLong();
        final AtomicLong indexRowsMissing = new AtomicLong();
        final AtomicLong indexRowsStale = new AtomicLong();
        final AtomicLong interruptedApplies = new AtomicLong();
        final AtomicLong twinOverflow = new AtomicLong();
        final List<String> samples = new ArrayList<>();
        /** (source, target) -> first twin difference seen for that edge, from either side. */
        final java.util.Map<List<Object>, NodeAudit.Twin> twins = new java.util.LinkedHashMap<>();

        synchronized void twins(List<NodeAudit.Twin> found) {
            for (NodeAudit.Twin t : found) {
                if (twins.size() >= MAX_TWIN_CANDIDATES) {
                    twinOverflow.incrementAndGet();
                } else {
                    twins.putIfAbsent(List.of(t.source(), t.target()), t);
                }
            }
        }

        synchronized void sample(String s) {
            if (samples.size() < SAMPLES) {
                samples.add(s);
            }
        }
    }

    public long estimate(ViewLayout layout) {
        long total = 0;
        for (Side side : sides(layout)) {
            total += ViewWalker.estimateNodes(store, layout, side);
        }
        return total;
    }

    /** Checks every node of the view, writing nothing; empty when cancelled. */
    public Optional<JobResult.Verify> verify(ViewLayout layout, BooleanSupplier cancelled, LongConsumer progress)
            throws InterruptedException {
        return Optional.ofNullable(run(JobType.VERIFY, layout, layout.definition().indexes(), cancelled, progress))
                .map(JobResult.Verify::new);
    }

    /** Rewrites every node's count and index records (and both sides of edges they disagree on); empty when cancelled. */
    public Optional<JobResult.Rebuild> rebuild(ViewLayout layout, BooleanSupplier cancelled, LongConsumer progress)
            throws InterruptedException {
        return Optional.ofNullable(run(JobType.REBUILD, layout, layout.definition().indexes(), cancelled, progress))
                .map(JobResult.Rebuild::new);
    }

    /** Writes {@code index}'s rows for every edge written before it existed; empty when cancelled. */
    public Optional<JobResult.IndexBuild> buildIndex(ViewLayout layout, IndexDef index, BooleanSupplier cancelled,
                                                   LongConsumer progress) throws InterruptedException {
        // Missing rows are what a build is for: it reports what it wrote, not drift.
        return Optional.ofNullable(run(JobType.INDEX_BUILD, layout, List.of(index), cancelled, progress))
                .map(f -> new JobResult.IndexBuild(f.nodes(), f.edges(), f.indexRowsMissing(), f.indexRowsStale()));
    }

    /** One pass; null when cancelled. */
    private Findings run(JobType type, ViewLayout layout, List<IndexDef> indexes, BooleanSupplier cancelled,
                         LongConsumer progress) throws InterruptedException {
        boolean repair = type != JobType.VERIFY;
        boolean checkCount = type != JobType.INDEX_BUILD;
        // OUT (s, t) and IN (t, s) hold the same edge when the view keeps both sides.
        boolean checkTwins = type != JobType.INDEX_BUILD && sides(layout).size() == 2;
        Totals totals = new Totals();
        Semaphore window = new Semaphore(IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong done = new AtomicLong();
        boolean finished = true;
        Side primary = sides(layout).get(0);
        for (Side side : sides(layout)) {
            finished = ViewWalker.forEachNode(store, layout, side, node -> {
                if (cancelled.getAsBoolean() || failure.get() != null) {
                    return false;
                }
                // Reported from this thread: the lanes carry live applies and must not wait on the metadata DB.
                progress.accept(done.get());
                try {
                    window.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                writer.exclusive(layout, side, node, s -> NodeAudit.run(s, layout, side, node, indexes, checkCount, repair, checkTwins))
                        .whenComplete((report, error) -> {
                            try {
                                if (error != null) {
                                    failure.compareAndSet(null, error);
                                } else {
                                    add(totals, side, side == primary, node, report);
                                }
                                done.incrementAndGet();
                            } finally {
                                window.release();
                            }
                        });
                return true;
            });
            if (!finished) {
                break;
            }
        }
        // Wait for the nodes still in flight.
        if (!window.tryAcquire(IN_FLIGHT, 10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("nodes still in flight after 10 minutes");
        }
        progress.accept(done.get());
        if (failure.get() != null) {
            throw new IllegalStateException("a node could not be checked: " + failure.get().getMessage(), failure.get());
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        if (!finished) {
            return null;
        }
        List<NodeAudit.Twin> mirror = List.of();
        if (checkTwins) {
            // Differences an apply in flight explains are gone once the lanes drained what was queued.
            await(writer.barrier());
            mirror = NodeAudit.confirm(store, new ArrayList<>(totals.twins.values()));
            if (repair && type != JobType.INDEX_BUILD) {
                repairTwins(layout, indexes, mirror);
            }
        }
        return findings(totals, mirror, checkTwins);
    }

    /** Both sides of each disagreeing edge get the join of the two states, each on its own lane. */
    private void repairTwins(ViewLayout layout, List<IndexDef> indexes, List<NodeAudit.Twin> twins)
            throws InterruptedException {
        List<CompletableFuture<Boolean>> pending = new ArrayList<>(twins.size() * 2);
        for (NodeAudit.Twin t : twins) {
            for (Side side : sides(layout)) {
                pending.add(writer.exclusive(layout, side, side.node(t.source(), t.target()),
                        s -> NodeAudit.joinTwins(s, layout, side, t.source(), t.target(), indexes)));
            }
        }
        await(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)));
    }

    /** Edges are counted on one side only (the OUT side when kept), so each edge counts once. */
    private static void add(Totals t, Side side, boolean countEdges, Object node, NodeAudit.Report r) {
        t.nodes.incrementAndGet();
        if (countEdges) {
            t.edges.addAndGet(r.active());
        }
        if (r.countWrong()) {
            t.countMismatches.incrementAndGet();
        }
        t.indexRowsMissing.addAndGet(r.indexMissing());
        t.indexRowsStale.addAndGet(r.indexStale());
        if (r.finishedInterruptedApply()) {
            t.interruptedApplies.incrementAndGet();
        }
        if (!r.twinDifferences().isEmpty()) {
            t.twins(r.twinDifferences());
        }
        if (!r.clean()) {
            t.sample(side + " " + node + ": " + describe(r));
        }
    }

    private static String describe(NodeAudit.Report r) {
        List<String> parts = new ArrayList<>();
        if (r.countWrong()) {
            parts.add("count " + r.countStored() + " but " + r.active() + " active edges");
        }
        if (r.indexMissing() > 0) {
            parts.add(r.indexMissing() + " index rows missing or wrong");
        }
        if (r.indexStale() > 0) {
            parts.add(r.indexStale() + " stale index rows");
        }
        return String.join(", ", parts);
    }

    private static Findings findings(Totals t, List<NodeAudit.Twin> mirror, boolean checkedTwins) {
        for (NodeAudit.Twin m : mirror) {
            t.sample("edge " + m.source() + " -> " + m.target() + ": the OUT and IN sides disagree ("
                    + (m.twinValue() == null ? "one side has no record of it" : "different states") + ")");
        }
        Long sideMismatches = checkedTwins ? mirror.size() + t.twinOverflow.get() : null;
        return new Findings(t.nodes.get(), t.edges.get(), t.countMismatches.get(), t.indexRowsMissing.get(),
                t.indexRowsStale.get(), t.interruptedApplies.get(), sideMismatches, t.samples);
    }

    static List<Side> sides(ViewLayout layout) {
        return Side.sidesOf(layout.definition().direction());
    }

    static void await(java.util.concurrent.CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the apply lanes did not answer: " + e.getMessage(), e);
        }
    }
}
