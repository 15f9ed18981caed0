package io.sideview.jobs;

import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.db.JobRow;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued jobs one at a time on one thread (they share the apply lanes with live writes, so one
 * pass at a time keeps the lanes' share bounded) and records each outcome in the {@link JobLedger}.
 * What a job does is its type's {@link Work}.
 */
final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    /** What one job type does. */
    interface Work {
        /** Runs the job; null when it saw {@code cancelled} and stopped. */
        JobResult run(JobRow job, BooleanSupplier cancelled, JobLedger.Progress progress) throws Exception;

        /** Called after a failure (not a cancel); the job is already FAILED. */
        default void failed(JobRow job, Exception e) {}
    }

    /** A job whose subject no longer exists: running it again cannot help. */
    static final class Gone extends RuntimeException {
        Gone(String message) {
            super(message);
        }
    }

    private final JobLedger ledger;
    private final Map<JobType, Work> work;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(daemon("jobs"));
    private final Set<Long> cancelRequested = ConcurrentHashMap.newKeySet();
    private final Set<Long> running = ConcurrentHashMap.newKeySet();

    JobRunner(JobLedger ledger, Map<JobType, Work> work) {
        this.ledger = ledger;
        this.work = Map.copyOf(work);
    }

    void submit(long id) {
        thread.submit(() -> run(id));
    }

    /** A queued job is cancelled before it starts; a running one stops at its next node. */
    void cancel(long id) {
        cancelRequested.add(id);
    }

    void stop() throws InterruptedException {
        cancelRequested.addAll(running);
        thread.shutdownNow();
        thread.awaitTermination(30, TimeUnit.SECONDS);
    }

    /** The job's view as the catalog has it now; {@link Gone} when it was deleted (and maybe created again). */
    static ViewLayout layout(ViewCatalog catalog, JobRow j) {
        return catalog.current(j.viewId(), j.viewName()).orElseThrow(() ->
                new Gone("view '" + j.viewName() + "' was deleted (or deleted and created again)"));
    }

    private void run(long id) {
        JobRow j = ledger.dao().find(id).orElse(null);
        if (j == null) {
            return;
        }
        if (cancelRequested.remove(id)) {
            ledger.finish(id, JobState.CANCELLED, 0, null);
            return;
        }
        Work w = work.get(j.type());
        if (w == null) {
            ledger.finish(id, JobState.FAILED, 0, new JobResult.Failure(j.type() + " jobs are not run here"));
            return;
        }
        running.add(id);
        JobLedger.Progress progress = ledger.start(id, null);
        try {
            JobResult result = w.run(j, () -> cancelRequested.contains(id), progress);
            if (result == null) {
                ledger.finish(id, JobState.CANCELLED, progress.done(), null);
            } else {
                ledger.finish(id, JobState.DONE, progress.done(), result);
                LOG.info("job {} {} of view {} done: {}", id, j.type(), j.viewName(), result);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ledger.finish(id, JobState.FAILED, progress.done(), new JobResult.Failure("interrupted by a shutdown"));
        } catch (Exception e) {
            LOG.warn("job {} {} of view {} failed", id, j.type(), j.viewName(), e);
            ledger.finish(id, JobState.FAILED, progress.done(), new JobResult.Failure(e.getMessage()));
            w.failed(j, e);
        } finally {
            running.remove(id);
            cancelRequested.remove(id);
        }
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
