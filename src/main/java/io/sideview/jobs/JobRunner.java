package io.sideview.jobs;

import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.db.JobRow;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued jobs one at a time on one thread (they share the apply lanes with live writes, so one
 * pass at a time keeps the lanes' share bounded) and records each outcome in the {@link JobLedger}.
 * What a job does is its type's {@link JobWork}.
 */
final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final JobLedger ledger;
    private final Map<JobType, JobWork> work;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(daemon("jobs"));
    private final Set<Long> cancelRequested = ConcurrentHashMap.newKeySet();
    private final Set<Long> running = ConcurrentHashMap.newKeySet();

    JobRunner(JobLedger ledger, Map<JobType, JobWork> work) {
        this.ledger = ledger;
        this.work = new java.util.concurrent.ConcurrentHashMap<>(work);
    }

    /** Registers what jobs of {@code type} do; before the first such job is submitted. */
    void handle(JobType type, JobWork w) {
        work.put(type, w);
    }

    boolean handles(JobType type) {
        return work.containsKey(type);
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

    private void run(long id) {
        JobRow j = ledger.dao().find(id).orElse(null);
        if (j == null) {
            return;
        }
        if (cancelRequested.remove(id)) {
            ledger.finish(id, JobState.CANCELLED, 0, null);
            return;
        }
        JobWork w = work.get(j.type());
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
