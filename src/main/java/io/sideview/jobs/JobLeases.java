package io.sideview.jobs;

import io.sideview.jobs.db.JobRow;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs survive their node. Every {@link #RENEW_EVERY} this node extends the lease of every unfinished
 * job it holds (queued or running, history copies included), then claims the unfinished jobs whose
 * holder's lease expired ({@link #LEASE}: a node that stopped renewing three times in a row) and hands
 * each one it got to {@code takeOver}. The claim is one conditional UPDATE, so of several nodes
 * scanning at once exactly one takes a job. Renewing on its own thread, not in the progress flushes,
 * keeps a job waiting in the queue, or one with a long silent step, held too.
 */
final class JobLeases {
    private static final Logger LOG = LoggerFactory.getLogger(JobLeases.class);
    static final Duration LEASE = Duration.ofSeconds(15);
    static final Duration RENEW_EVERY = Duration.ofSeconds(5);

    private final JobLedger ledger;
    /** Jobs this node runs or queued already: never claimed again (their leases lapse only while the DB is away). */
    private final LongPredicate heldHere;
    private final Duration every;
    private ScheduledExecutorService thread;

    JobLeases(JobLedger ledger, LongPredicate heldHere, Duration every) {
        this.ledger = ledger;
        this.heldHere = heldHere;
        this.every = every;
    }

    /** Takes over what is free now, then keeps renewing and taking over on its own thread. */
    void start(Consumer<JobRow> takeOver) {
        takeOverExpired(takeOver);
        thread = Executors.newSingleThreadScheduledExecutor(JobRunner.daemon("jobs-leases"));
        thread.scheduleWithFixedDelay(() -> tick(takeOver), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A clean stop lets go of what this node still holds (queued jobs, and running ones it marked as
     * stopped): the next start, here or on another node, takes them at once instead of after the lease.
     */
    void stop() throws InterruptedException {
        if (thread != null) {
            // shutdown, not shutdownNow: an interrupt during an H2 file write closes the whole database
            // (ClosedByInterruptException), and what stops after this still needs it
            thread.shutdown();
            thread.awaitTermination(10, TimeUnit.SECONDS);
        }
        try {
            ledger.dao().release(ledger.owner());
        } catch (RuntimeException e) {
            LOG.warn("could not release this node's job leases ({}); other nodes take its jobs once they expire", e.toString());
        }
    }

    void tick(Consumer<JobRow> takeOver) {
        try {
            ledger.dao().renew(ledger.owner(), ledger.leaseUntil());
            takeOverExpired(takeOver);
        } catch (RuntimeException e) {
            // The metadata DB is away: the next tick tries again; a job this node lost meanwhile stops
            // at its next progress write (JobLedger.Progress#lost).
            LOG.warn("could not renew or take over job leases: {}", e.toString());
        }
    }

    private void takeOverExpired(Consumer<JobRow> takeOver) {
        for (JobRow j : ledger.dao().expired(ledger.now())) {
            if (!heldHere.test(j.id()) && ledger.claim(j.id())) {
                LOG.info("job {} {} of view {} taken over from {} (its lease expired)", j.id(), j.type(), j.viewName(),
                        j.owner() == null ? "no owner" : j.owner());
                takeOver.accept(j);
            }
        }
    }
}
