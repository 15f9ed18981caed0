package io.sideview.jobs;

import io.sideview.edge.ApplyGate;
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
    /** Submitted here and not finished: queued on the thread or running (never taken over by this node again). */
    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    private volatile ApplyGate gate = new ApplyGate();
    /** Set by {@link #stop}: jobs still queued on the thread are not started (they stay QUEUED for the next start). */
    private volatile boolean stopping;

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

    /** Jobs wait for this gate before they start (they apply through the lanes too). */
    void gate(ApplyGate gate) {
        this.gate = gate;
    }

    void submit(long id) {
        if (held.add(id)) {
            thread.submit(() -> {
                Runnable after;
                try {
                    after = run(id);
                } finally {
                    held.remove(id);
                }
                // After it is no longer held here, so a retry it schedules can be submitted again.
                after.run();
            });
        }
    }

    /** Whether the job is queued or running here. */
    boolean holds(long id) {
        return held.contains(id);
    }

    /** A queued job is cancelled before it starts; a running one stops at its next node. */
    void cancel(long id) {
        cancelRequested.add(id);
    }

    /**
     * Asks the running job to stop at its next node and waits for it; only a job that does not stop
     * within 20 s is interrupted. An interrupt is the last resort: one that lands while the job writes
     * to an H2 file closes the whole metadata DB (ClosedByInterruptException) under everything that
     * still stops after this.
     */
    void stop() throws InterruptedException {
        stopping = true;
        cancelRequested.addAll(running);
        thread.shutdown();
        if (!thread.awaitTermination(20, TimeUnit.SECONDS)) {
            LOG.warn("a job did not stop within 20 s of the shutdown; interrupting it");
            thread.shutdownNow();
            thread.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static final Runnable NOTHING = () -> { };

    /** Runs the job; returns what to do once it is no longer held here. */
    private Runnable run(long id) {
        if (stopping) {
            return NOTHING;
        }
        JobRow j = ledger.dao().find(id).orElse(null);
        if (j == null) {
            return NOTHING;
        }
        if (cancelRequested.remove(id)) {
            ledger.finish(id, JobState.CANCELLED, 0, null);
            return NOTHING;
        }
        JobWork w = work.get(j.type());
        if (w == null) {
            ledger.finish(id, JobState.FAILED, 0, new JobResult.Failure(j.type() + " jobs are not run here"));
            return NOTHING;
        }
        try {
            gate.awaitOpen();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NOTHING; // still QUEUED and held by this node: the next start, or another node, runs it
        } catch (ApplyGate.Stopped stopping) {
            return NOTHING;
        }
        JobLedger.Progress progress = ledger.start(id, null);
        if (progress == null) {
            LOG.info("job {} {} of view {} is held by another node now; not run here", id, j.type(), j.viewName());
            return NOTHING;
        }
        running.add(id);
        try {
            JobResult result = w.run(j, () -> cancelRequested.contains(id) || progress.lost(), progress);
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
            return () -> w.failed(j, e);
        } finally {
            running.remove(id);
            cancelRequested.remove(id);
        }
        return NOTHING;
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
