package io.sideview.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.lifecycle.Managed;
import io.sideview.errors.Refused;
import io.sideview.edge.EdgeWriter;
import io.sideview.edge.IndexReadiness;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.jobs.api.Job;
import io.sideview.jobs.db.JobDao;
import io.sideview.jobs.db.JobRow;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.api.RevisionDescriptor;
import io.sideview.registry.api.ViewDescriptor;
import io.sideview.registry.model.IndexDef;
import io.sideview.storage.KvStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs and records jobs. Verify, rebuild and index builds run one at a time on one thread; history
 * copies run on their shard's engine and report through {@link JobTracker}. Progress is kept in
 * memory (what the API shows) and written to the metadata DB at most once a second.
 *
 * <p>Index builds keep queries exact: an index added by a later revision has no rows for the edges
 * written before it, so {@link #isReady} is false for it until its build is done. The build first
 * waits for every apply lane to drain ({@link EdgeWriter#barrier()}): every later apply already
 * writes the new index, and the build fills in the rest node by node on each node's own lane. A
 * build that fails (storage unavailable, say) runs again after a delay that doubles up to
 * {@link #MAX_RETRY_DELAY}, for as long as its index waits for it; a restart runs it at once.
 */
public class JobService implements Managed, JobTracker, IndexReadiness {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    private static final long FLUSH_MILLIS = 1000;
    /** Wait before a failed index build runs again, unless told otherwise; doubles per failure. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(30);
    public static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(10);

    private final JobDao dao;
    private final ViewRegistry registry;
    private final ViewCatalog catalog;
    private final ViewAuditRun audits;
    private final EdgeWriter writer;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(daemon("jobs"));
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(daemon("jobs-retry"));
    private final Duration retryDelay;
    /** Failures so far of index builds that are waiting to run again. */
    private final Map<Long, Integer> failures = new ConcurrentHashMap<>();
    /** Live progress of running jobs: done, total, and when it was last written to the DB. */
    private final Map<Long, Live> live = new ConcurrentHashMap<>();
    private final Set<Long> cancelRequested = ConcurrentHashMap.newKeySet();
    /** Ready index ids per view id; loaded from {@code index_builds} on first use. */
    private final Map<Long, Set<Integer>> ready = new ConcurrentHashMap<>();

    private static final class Live {
        volatile long done;
        volatile Long total;
        volatile long flushedAt;
    }

    public JobService(JobDao dao, ViewRegistry registry, ViewCatalog catalog, KvStore store, EdgeWriter writer,
                      ObjectMapper mapper, Clock clock) {
        this(dao, registry, catalog, store, writer, mapper, clock, RETRY_DELAY);
    }

    /** {@code retryDelay}: the first wait before a failed index build runs again. */
    public JobService(JobDao dao, ViewRegistry registry, ViewCatalog catalog, KvStore store, EdgeWriter writer,
                      ObjectMapper mapper, Clock clock, Duration retryDelay) {
        this.retryDelay = retryDelay;
        this.dao = dao;
        this.registry = registry;
        this.catalog = catalog;
        this.writer = writer;
        this.mapper = mapper;
        this.clock = clock;
        this.audits = new ViewAuditRun(store, writer, mapper);
        registry.onChange(this::reconcileQuietly);
    }

    @Override
    public void start() {
        dao.requeuePendingIndexBuilds(clock.millis());
        for (JobRow j : dao.unfinished()) {
            if (j.type() == JobType.INDEX_BUILD) {
                runner.submit(() -> run(j.id()));
            } else {
                // A verify or rebuild is simply run again by whoever wants it; a history copy is redone by its engine.
                dao.finish(j.id(), JobState.FAILED, j.done(), error("interrupted by a restart"), clock.millis());
            }
        }
        for (ViewDescriptor v : registry.list()) {
            reconcile(v);
        }
    }

    @Override
    public void stop() throws InterruptedException {
        cancelRequested.addAll(live.keySet());
        retries.shutdownNow();
        runner.shutdownNow();
        runner.awaitTermination(30, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ API

    public Job submit(JobType type, String viewName) {
        if (type != JobType.VERIFY && type != JobType.REBUILD) {
            throw new IllegalArgumentException(type + " jobs are started by the service");
        }
        ViewDescriptor v = registry.get(viewName);
        long id = dao.add(type, v.id(), v.name(), null, JobState.QUEUED, null, clock.millis());
        runner.submit(() -> run(id));
        return get(id);
    }

    public Job get(long id) {
        return dao.find(id).map(this::describe).orElseThrow(() -> Refused.notFound("no job " + id));
    }

    public List<Job> list(String view, long before, int limit) {
        List<JobRow> rows = view == null ? dao.list(before, limit) : dao.listForView(view, before, limit);
        return rows.stream().map(this::describe).toList();
    }

    /** Cancels a queued or running verify or rebuild; other jobs keep the view exact and cannot be cancelled. */
    public Job cancel(long id) {
        JobRow j = dao.find(id).orElseThrow(() -> Refused.notFound("no job " + id));
        JobType type = j.type();
        if (type != JobType.VERIFY && type != JobType.REBUILD) {
            throw Refused.conflict("id", "a " + type + " job cannot be cancelled: the view is exact only once it is done");
        }
        if (j.state().finished()) {
            throw Refused.conflict("id", "job " + id + " is already " + j.state());
        }
        cancelRequested.add(id);
        return get(id);
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

    // ------------------------------------------------------------------ JobTracker (history copies)

    @Override
    public long begin(JobType type, long viewId, String viewName, String detail, Long total) {
        long id = dao.add(type, viewId, viewName, detail, JobState.QUEUED, total, clock.millis());
        dao.start(id, clock.millis());
        Live l = new Live();
        l.total = total;
        live.put(id, l);
        return id;
    }

    @Override
    public void total(long id, long total) {
        Live l = live.get(id);
        if (l != null) {
            l.total = total;
            flush(id, l, true);
        }
    }

    @Override
    public void progress(long id, long done) {
        Live l = live.get(id);
        if (l != null) {
            l.done = done;
            flush(id, l, false);
        }
    }

    @Override
    public void finish(long id, boolean ok, long done, String message) {
        live.remove(id);
        dao.finish(id, ok ? JobState.DONE : JobState.FAILED, done, ok ? null : error(message), clock.millis());
    }

    // ------------------------------------------------------------------ index builds

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
                long job = dao.add(JobType.INDEX_BUILD, v.id(), v.name(), index.name(), JobState.QUEUED, null, now);
                dao.insertIndexBuild(v.id(), index.id(), IndexBuildState.PENDING, job, now);
                runner.submit(() -> run(job));
            }
        }
        ready.remove(v.id());
    }

    // ------------------------------------------------------------------ running

    private void run(long id) {
        JobRow j = dao.find(id).orElse(null);
        if (j == null) {
            return;
        }
        JobType type = j.type();
        if (cancelRequested.remove(id)) {
            dao.finish(id, JobState.CANCELLED, 0, null, clock.millis());
            return;
        }
        Live l = new Live();
        live.put(id, l);
        dao.start(id, clock.millis());
        try {
            ViewLayout layout = catalog.any(j.viewName()).layout();
            if (layout.viewId() != j.viewId()) {
                throw new Gone("view '" + j.viewName() + "' was deleted and created again");
            }
            List<IndexDef> indexes = indexesFor(type, j, layout);
            // Every apply queued before now ran with its producer's layout; every later one uses the
            // catalog's newest (the lanes resolve it), so after this barrier new indexes are maintained.
            ViewAuditRun.await(writer.barrier());
            l.total = audits.estimate(layout);
            ObjectNode result = audits.run(type, layout, indexes, () -> cancelRequested.contains(id), done -> {
                l.done = done;
                flush(id, l, false);
            });
            if (result == null) {
                dao.finish(id, JobState.CANCELLED, l.done, null, clock.millis());
                return;
            }
            if (type == JobType.INDEX_BUILD) {
                // Ready before the job reads DONE: whoever saw DONE may scan the index at once.
                dao.updateIndexBuild(j.viewId(), indexes.get(0).id(), IndexBuildState.READY, id, clock.millis());
                ready.remove(j.viewId());
            }
            dao.finish(id, JobState.DONE, l.done, mapper.writeValueAsString(result), clock.millis());
            failures.remove(id);
            LOG.info("job {} {} of view {} done: {}", id, type, j.viewName(), result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dao.finish(id, JobState.FAILED, l.done, error("interrupted by a shutdown"), clock.millis());
        } catch (Exception e) {
            LOG.warn("job {} {} of view {} failed", id, type, j.viewName(), e);
            dao.finish(id, JobState.FAILED, l.done, error(e.getMessage()), clock.millis());
            if (type == JobType.INDEX_BUILD && !(e instanceof Gone)) {
                retryLater(id);
            }
        } finally {
            live.remove(id);
            cancelRequested.remove(id);
        }
    }

    private static List<IndexDef> indexesFor(JobType type, JobRow j, ViewLayout layout) {
        if (type == JobType.INDEX_BUILD) {
            return List.of(layout.definition().index(j.detail()).orElseThrow(() ->
                    new Gone("index '" + j.detail() + "' is no longer in the view")));
        }
        return layout.definition().indexes();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** A job whose subject no longer exists: running it again cannot help. */
    private static final class Gone extends RuntimeException {
        Gone(String message) {
            super(message);
        }
    }

    /** Queues a failed index build again after its delay, if its index is still waiting for it then. */
    private void retryLater(long id) {
        int failed = failures.merge(id, 1, Integer::sum);
        long delay = Math.min(retryDelay.toMillis() << Math.min(failed - 1, 20), MAX_RETRY_DELAY.toMillis());
        LOG.info("index build job {} runs again in {} ms (failures so far: {})", id, delay, failed);
        try {
            retries.schedule(() -> {
                if (dao.requeueIndexBuild(id, clock.millis()) == 1) {
                    runner.submit(() -> run(id));
                } else {
                    failures.remove(id); // its index no longer waits for it
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // Shutting down: the next start queues it again.
        }
    }

    private void flush(long id, Live l, boolean force) {
        long now = clock.millis();
        if (force || now - l.flushedAt >= FLUSH_MILLIS) {
            l.flushedAt = now;
            dao.progress(id, l.done, l.total, now);
        }
    }

    private String error(String message) {
        ObjectNode n = mapper.createObjectNode();
        n.put("error", message == null ? "unknown error" : message);
        return n.toString();
    }

    private Job describe(JobRow r) {
        Live l = live.get(r.id());
        long done = l != null ? l.done : r.done();
        Long total = l != null && l.total != null ? l.total : r.total();
        JobProgress p = JobProgress.of(r.state(), total, done, r.startedAt(), r.finishedAt(), clock.millis());
        return new Job(r.id(), r.type(), r.viewName(), r.detail(), r.state(), total, done, p.percent(), p.ratePerSecond(), p.etaSeconds(),
                json(r.result()), Instant.ofEpochMilli(r.createdAt()), instant(r.startedAt()),
                Instant.ofEpochMilli(r.updatedAt()), instant(r.finishedAt()));
    }

    private JsonNode json(String s) {
        if (s == null) {
            return null;
        }
        try {
            return mapper.readTree(s);
        } catch (JsonProcessingException e) {
            return mapper.getNodeFactory().textNode(s);
        }
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
