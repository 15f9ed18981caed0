package io.sideview.jobs;

import io.sideview.edge.EdgeWriter;
import io.sideview.edge.IndexReadiness;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.errors.Refused;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.db.JobDao;
import io.sideview.jobs.db.JobRow;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.api.RevisionDescriptor;
import io.sideview.registry.api.ViewDescriptor;
import io.sideview.registry.model.IndexDef;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Index builds keep queries exact: an index added by a later revision has no rows for the edges
 * written before it, so {@link #isReady} is false for it until its build is done. The build first
 * waits for every apply lane to drain ({@link EdgeWriter#barrier()}): every later apply already
 * writes the new index, and the build fills in the rest node by node on each node's own lane. A
 * build that fails (storage unavailable, say) runs again after a delay that doubles up to
 * {@link #MAX_RETRY_DELAY}, for as long as its index waits for it; a restart runs it at once (another
 * node, when its node stopped: {@link JobLeases}).
 */
final class IndexBuilds implements IndexReadiness, JobWork {
    private static final Logger LOG = LoggerFactory.getLogger(IndexBuilds.class);
    static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(10);

    private final JobLedger ledger;
    private final JobDao dao;
    private final ViewRegistry registry;
    private final ViewCatalog catalog;
    private final EdgeWriter writer;
    private final ViewAuditRun audits;
    private final Clock clock;
    private final Duration retryDelay;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(JobRunner.daemon("jobs-retry"));
    /** Failures so far of builds that are waiting to run again. */
    private final Map<Long, Integer> failures = new ConcurrentHashMap<>();
    /** Ready index ids per view id; loaded from {@code index_builds} on first use. */
    private final Map<Long, Set<Integer>> ready = new ConcurrentHashMap<>();
    private volatile JobRunner runner;

    IndexBuilds(JobLedger ledger, ViewRegistry registry, ViewCatalog catalog, EdgeWriter writer, ViewAuditRun audits,
                Clock clock, Duration retryDelay) {
        this.ledger = ledger;
        this.dao = ledger.dao();
        this.registry = registry;
        this.catalog = catalog;
        this.writer = writer;
        this.audits = audits;
        this.clock = clock;
        this.retryDelay = retryDelay;
    }

    /** Builds run on {@code runner}; from now on every registry change is reconciled. */
    void start(JobRunner runner) {
        this.runner = runner;
        registry.onChange(this::reconcileQuietly);
        for (ViewDescriptor v : registry.list()) {
            reconcile(v);
        }
    }

    void stop() {
        retries.shutdownNow();
    }

    /** False while {@code index} of the view still lacks rows for edges written before it was added. */
    @Override
    public boolean isReady(long viewId, IndexDef index) {
        if (readyIndexes(viewId).contains(index.id())) {
            return true;
        }
        // A revision added moments ago may not be reconciled yet by this node: look once more.
        ready.remove(viewId);
        return readyIndexes(viewId).contains(index.id());
    }

    private Set<Integer> readyIndexes(long viewId) {
        return ready.computeIfAbsent(viewId, id -> Set.copyOf(dao.readyIndexes(id)));
    }

    @Override
    public JobResult run(JobRow j, BooleanSupplier cancelled, JobLedger.Progress progress) throws Exception {
        ViewLayout layout = JobWork.viewOf(catalog, j);
        IndexDef index = layout.definition().index(j.detail()).orElseThrow(() ->
                new JobWork.Gone("index '" + j.detail() + "' is no longer in the view"));
        // Every apply queued before now ran with its producer's layout; every later one uses the
        // catalog's newest (the lanes resolve it), so after this barrier the new index is maintained.
        ViewAuditRun.await(writer.barrier());
        progress.total(audits.estimate(layout));
        LongConsumer done = progress::done;
        JobResult.IndexBuild result = audits.buildIndex(layout, index, cancelled, done).orElse(null);
        if (result != null) {
            // Ready before the job reads DONE: whoever saw DONE may scan the index at once.
            dao.updateIndexBuild(j.viewId(), index.id(), IndexBuildState.READY, j.id(), clock.millis());
            ready.remove(j.viewId());
            failures.remove(j.id());
        }
        return result;
    }

    /** Queues the build again after its delay, if its index is still waiting for it then. */
    @Override
    public void failed(JobRow j, Exception e) {
        if (e instanceof JobWork.Gone) {
            return;
        }
        int failed = failures.merge(j.id(), 1, Integer::sum);
        long delay = Math.min(retryDelay.toMillis() << Math.min(failed - 1, 20), MAX_RETRY_DELAY.toMillis());
        LOG.info("index build job {} runs again in {} ms (failures so far: {})", j.id(), delay, failed);
        try {
            retries.schedule(() -> {
                if (dao.requeueIndexBuild(j.id(), ledger.owner(), ledger.now(), ledger.leaseUntil()) == 1) {
                    runner.submit(j.id());
                } else {
                    failures.remove(j.id()); // its index no longer waits for it
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // Shutting down: the next start queues it again.
        }
    }

    /**
     * Every node hears of a new revision (the one that made it, and the others through the registry
     * poller) and reconciles it: the first to queue the index's build wins, the others' attempts roll
     * back whole (see JobDao#addIndexBuild) and leave the build to it.
     */
    private void queueBuild(ViewDescriptor v, IndexDef index) {
        long job;
        try {
            job = ledger.queueIndexBuild(v.id(), v.name(), index.id(), index.name());
        } catch (RuntimeException e) {
            if (dao.knownIndexes(v.id()).contains(index.id())) {
                return;
            }
            throw e;
        }
        runner.submit(job);
    }

    private void reconcileQuietly(String name) {
        try {
            reconcile(registry.get(name));
        } catch (Refused deleted) {
            // Deleted view: nothing to build.
        } catch (RuntimeException e) {
            LOG.warn("could not reconcile the index builds of view {}", name, e);
        }
    }

    /**
     * Gives every index of the view an {@code index_builds} row: READY when it was there from the
     * first revision (every edge was written with it), else PENDING with an INDEX_BUILD job.
     */
    private synchronized void reconcile(ViewDescriptor v) {
        Set<Integer> known = new HashSet<>(dao.knownIndexes(v.id()));
        Set<Integer> original = null;
        for (IndexDef index : v.definition().indexes()) {
            if (known.contains(index.id())) {
                continue;
            }
            if (original == null) {
                List<RevisionDescriptor> revisions = registry.revisions(v.name());
                original = new HashSet<>();
                for (IndexDef i : revisions.get(0).definition().indexes()) {
                    original.add(i.id());
                }
            }
            long now = clock.millis();
            if (original.contains(index.id())) {
                dao.insertIndexBuild(v.id(), index.id(), IndexBuildState.READY, null, now);
            } else {
                queueBuild(v, index);
            }
        }
        ready.remove(v.id());
    }
}
