package io.sideview.jobs;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import io.sideview.edge.ApplyGate;
import io.sideview.edge.EdgeWriter;
import io.sideview.edge.IndexReadiness;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.errors.Refused;
import io.sideview.jobs.api.Job;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.api.JobScope;
import io.sideview.jobs.db.JobDao;
import io.sideview.jobs.db.JobRow;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.api.ViewDescriptor;
import io.sideview.storage.KvStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The jobs API (start, read, cancel) and their lifecycle. The parts: {@link JobLedger} records jobs
 * and their progress (history copies report to it as a {@link JobTracker}); {@link JobRunner} runs
 * verify, rebuild and index builds one at a time; {@link IndexBuilds} decides which indexes need a
 * build and answers {@link IndexReadiness}.
 */
public final class JobService implements Managed {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobService.class);
    /** Wait before a failed index build runs again, unless told otherwise; doubles per failure. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(30);
    /** The largest random sample a source verify takes. */
    public static final long MAX_SAMPLE = 10_000_000;

    private final JobLedger ledger;
    private final JobRunner runner;
    private final JobLeases leases;
    private final IndexBuilds builds;
    private final ViewRegistry registry;
    private final StoragePurge purge;
    /** View ids with a PURGE job queued or running. */
    private final java.util.Set<Long> purging = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<JobType, Starter> starters = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * How this node holds its jobs: as {@code owner} (the node's name), each lease lasting {@code lease}
     * past its last renewal, renewed every {@code renewEvery} (a third of it, so two missed renewals
     * still keep it).
     */
    public record Leases(String owner, Duration lease, Duration renewEvery) {
        public static Leases of(String owner) {
            return new Leases(owner, JobLeases.LEASE, JobLeases.RENEW_EVERY);
        }

        /** A name no other process has: for a service without a node name (tests). */
        static Leases ofProcess() {
            return of("process-" + ProcessHandle.current().pid() + "-" + java.util.UUID.randomUUID());
        }
    }

    public JobService(JobDao dao, ViewRegistry registry, ViewCatalog catalog, KvStore store, EdgeWriter writer,
                      ObjectMapper mapper, Clock clock) {
        this(dao, registry, catalog, store, writer, mapper, clock, RETRY_DELAY);
    }

    public JobService(JobDao dao, ViewRegistry registry, ViewCatalog catalog, KvStore store, EdgeWriter writer,
                      ObjectMapper mapper, Clock clock, Duration retryDelay) {
        this(dao, registry, catalog, store, writer, mapper, clock, retryDelay, Leases.ofProcess());
    }

    /** {@code retryDelay}: the first wait before a failed index build runs again. */
    public JobService(JobDao dao, ViewRegistry registry, ViewCatalog catalog, KvStore store, EdgeWriter writer,
                      ObjectMapper mapper, Clock clock, Duration retryDelay, Leases leasing) {
        this.registry = registry;
        this.ledger = new JobLedger(dao, mapper, clock, leasing.owner(), leasing.lease());
        ViewAuditRun audits = new ViewAuditRun(store, writer);
        this.builds = new IndexBuilds(ledger, registry, catalog, writer, audits, clock, retryDelay);
        JobWork audit = (j, cancelled, progress) -> audit(catalog, writer, audits, j, cancelled, progress);
        this.purge = new StoragePurge(registry, store, writer, catalog.saltBuckets());
        JobWork purgeWork = (j, cancelled, progress) -> {
            try {
                return purge.run(j, cancelled, progress);
            } finally {
                this.purging.remove(j.viewId());
            }
        };
        this.runner = new JobRunner(ledger, Map.of(JobType.VERIFY, audit, JobType.REBUILD, audit,
                JobType.INDEX_BUILD, builds, JobType.PURGE, purgeWork));
        this.leases = new JobLeases(ledger, runner::holds, leasing.renewEvery());
    }

    /** Jobs wait at {@code gate} before they start: a node that cannot read the registry starts none. */
    public void gate(ApplyGate gate) {
        runner.gate(gate);
    }

    /** Where history copies report their progress. */
    /**
     * Job progress gauges: {@code jobs.running} (jobs running, history copies included), and the units
     * (nodes, rows) they did and have in all ({@code jobs.running.done}, {@code jobs.running.total});
     * each job's own numbers are in the jobs API.
     */
    public void registerMetrics(MetricRegistry metrics) {
        metrics.register("jobs.running", (Gauge<Integer>) () -> ledger.running().jobs());
        metrics.register("jobs.running.done", (Gauge<Long>) () -> ledger.running().done());
        metrics.register("jobs.running.total", (Gauge<Long>) () -> ledger.running().total());
    }

    public JobTracker tracker() {
        return ledger;
    }

    /** Whether an index may be scanned yet. */
    public IndexReadiness indexReadiness() {
        return builds;
    }

    @Override
    public void start() {
        // Builds that failed or were stopped are queued again, here: their indexes stay unusable until built.
        ledger.dao().requeuePendingIndexBuilds(ledger.owner(), ledger.now(), ledger.leaseUntil());
        ledger.unfinished().stream().filter(j -> ledger.owner().equals(j.owner())).forEach(j -> runner.submit(j.id()));
        // Only jobs nobody holds: another node's live job is never touched.
        leases.start(this::takeOver);
        builds.start(runner);
        registry.onChange(this::purgeIfDeleted);
        queuePurges();
    }

    /**
     * A job whose node stopped renewing its lease, now held here. Jobs this node runs are run again from
     * the start under the same id: each is one pass that may be repeated (a verify reads, a rebuild or
     * repair rewrites from the records, a purge deletes garbage, an index build rewrites its rows) and
     * its options are in its row, so whoever waits on the id gets its result. A history copy is driven by
     * its capture engine, which copies on under a new job wherever its shard runs now: its row is closed.
     * A replay is followed under its own id by the replay leader (Replays), wherever it began: this node
     * only keeps its lease alive.
     */
    private void takeOver(JobRow j) {
        if (j.type() == JobType.REPLAY) {
            return;
        }
        if (j.type().tracked()) {
            ledger.finish(j.id(), JobState.FAILED, j.done(), new JobResult.Failure("its node stopped"));
            return;
        }
        if (j.type() == JobType.PURGE) {
            purging.add(j.viewId());
        }
        runner.submit(j.id());
    }

    /** After a view is deleted, its records go (it may have been deleted and created again meanwhile: then the old id goes). */
    private void purgeIfDeleted(String name) {
        try {
            registry.get(name);
        } catch (Refused gone) {
            if (gone.kind() == Refused.Kind.NOT_FOUND) {
                queuePurges();
            }
        }
    }

    /**
     * One PURGE job per deleted view whose records are still in storage. Never fails its caller (a
     * start, a registry change): records left now are found again at the next delete or start.
     */
    private synchronized void queuePurges() {
        try {
            // Another node may have queued it already (it deleted the view; this one heard of it from the registry).
            java.util.Set<Long> queued = new java.util.HashSet<>();
            ledger.unfinished().stream().filter(j -> j.type() == JobType.PURGE).forEach(j -> queued.add(j.viewId()));
            for (long viewId : purge.orphans()) {
                if (!queued.contains(viewId) && purging.add(viewId)) {
                    runner.submit(ledger.queue(JobType.PURGE, viewId, "#" + viewId, null));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not look for deleted views' records; looked for again at the next delete or start", e);
        }
    }

    @Override
    public void stop() throws InterruptedException {
        builds.stop();
        runner.stop();
        leases.stop();
    }

    /** Registers what jobs of {@code type} do, for work that needs parts wired later (the shards). */
    public void handle(JobType type, JobWork work) {
        runner.handle(type, work);
    }

    /** Starts a client job that runs elsewhere and reports through {@link #tracker()}; returns its id. */
    public interface Starter {
        long start(ViewDescriptor view);
    }

    /** Registers how jobs of a {@link JobType#tracked()} client type start (a replay, by ingest). */
    public void handle(JobType type, Starter starter) {
        if (!type.tracked() || !type.clientJob()) {
            throw new IllegalArgumentException(type + " is not a tracked client job");
        }
        starters.put(type, starter);
    }

    /**
     * Queues a PURGE of the records of {@code storageId} (a generation a replay replaced; PURGE checks it
     * belongs to no view any more) and returns the job's id.
     */
    public synchronized long purge(long storageId, String viewName) {
        purging.add(storageId);
        long id = ledger.queue(JobType.PURGE, storageId, viewName, "generation " + storageId + " replaced by a replay", null);
        runner.submit(id);
        return id;
    }

    public Job submit(JobType type, String viewName) {
        return submit(type, viewName, JobScope.EVERY);
    }

    /** Queues a client job; {@code scope} (which nodes) only for the types that take one. */
    public Job submit(JobType type, String viewName, JobScope scope) {
        if (!type.clientJob() || !(runner.handles(type) || starters.containsKey(type))) {
            throw Refused.badInput("type", type + " jobs are started by the service, or not run by this node");
        }
        ViewDescriptor v = registry.get(viewName);
        if (starters.containsKey(type)) {
            if (!scope.every()) {
                JobScopes.check(type, v, scope);
            }
            return ledger.get(starters.get(type).start(v));
        }
        String params = null;
        if (!scope.every()) {
            JobScopes.check(type, v, scope);
            params = ledger.json(scope);
        } else if (type.scoped() && v.definition().binding() == null) {
            throw JobScopes.invalid("view", "view '" + v.name() + "' has no binding: there is no source to compare with");
        }
        long id = ledger.queue(type, v.id(), v.name(), null, params);
        runner.submit(id);
        return ledger.get(id);
    }

    public Job get(long id) {
        return ledger.get(id);
    }

    /** The newest queued or running job of {@code type} on view {@code viewId}, if any. */
    public java.util.Optional<Long> unfinished(JobType type, long viewId) {
        return ledger.unfinished().stream().filter(j -> j.type() == type && j.viewId() == viewId)
                .map(JobRow::id).max(Long::compare);
    }

    public List<Job> list(String view, long before, int limit) {
        return ledger.list(view, before, limit);
    }

    /**
     * Cancels a queued or running client job, or a running history copy (it stops after its current
     * chunk and resumes from there when asked); the others keep the view exact and cannot be cancelled.
     */
    public Job cancel(long id) {
        JobRow j = ledger.row(id);
        if (!j.type().cancellable()) {
            throw Refused.conflict("id", "a " + j.type() + " job cannot be cancelled: the view is exact only once it is done");
        }
        if (j.state().finished()) {
            throw Refused.conflict("id", "job " + id + " is already " + j.state());
        }
        if (j.type().clientJob() && !j.type().tracked()) {
            runner.cancel(id);
        } else {
            ledger.requestCancel(id);
        }
        return ledger.get(id);
    }

    /** VERIFY and REBUILD: one pass over the view once the lanes drained what was queued before it. */
    private static JobResult audit(ViewCatalog catalog, EdgeWriter writer, ViewAuditRun audits, JobRow j,
                                   BooleanSupplier cancelled, JobLedger.Progress progress) throws InterruptedException {
        ViewLayout layout = JobWork.viewOf(catalog, j);
        ViewAuditRun.await(writer.barrier());
        progress.total(audits.estimate(layout));
        var result = j.type() == JobType.VERIFY
                ? audits.verify(layout, cancelled, progress::done)
                : audits.rebuild(layout, cancelled, progress::done);
        return result.orElse(null);
    }
}
