package io.sideview.ingest;

import io.dropwizard.lifecycle.Managed;
import io.sideview.errors.Refused;
import io.sideview.ingest.db.BackfillDao;
import io.sideview.ingest.db.CopyRow;
import io.sideview.jobs.JobService;
import io.sideview.jobs.JobTracker;
import io.sideview.jobs.JobType;
import io.sideview.jobs.api.Job;
import io.sideview.jobs.api.JobResult;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.api.ViewDescriptor;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REPLAY jobs: a view rebuilt from its sources into a new storage generation while the old one keeps
 * answering. Starting one records the generation as the view's pending one in the registry; from then
 * on ingest treats it as a view of its own (every engine of the view's source group streams into it,
 * and copies the shards' rows into it in resumable chunks, {@link HistoryCopy}), and every direct
 * write reaches it too. Once its copy is done on every shard, one registry update switches queries to
 * it; after {@link #GRACE} (queries already reading the old generation finish, and the catalog of any
 * node sharing the metadata DB has moved on) a PURGE removes the old generation's records, and the
 * replay is done.
 *
 * <p>The pending generation is in the metadata DB, so a replay outlives a crash or restart: its copies
 * resume after their last chunk done and a new REPLAY job follows it. Cancelling drops the pending
 * generation (the view is untouched) and purges what was built.
 */
public final class Replays implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Replays.class);
    /** From the switch to the purge of the old generation: longer than the view catalog's 5 s expiry. */
    public static final Duration GRACE = Duration.ofSeconds(6);

    private final ViewRegistry registry;
    private final BackfillDao copies;
    private final JobTracker tracker;
    private final JobService jobs;
    private final Map<String, List<String>> shardsByGroup;
    private final Supplier<BooleanSupplier> walMark;
    private final BooleanSupplier leader;
    private final Clock clock;
    /** Replays this node follows, by the generation they build. */
    private final Map<Long, Run> runs = new HashMap<>();
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "replays");
        t.setDaemon(true);
        return t;
    });

    /** One replay: its job, the generations, and (once switched) when, and the PURGE of the old one. */
    private static final class Run {
        final long job;
        final String view;
        final long viewId;
        final long from;
        final long to;
        long rows;
        /** Set once every copy is done: true once the WAL consumer applied what they published. */
        BooleanSupplier applied;
        long switchedAt = -1;
        long droppedAt = -1;
        long purgeJob = -1;

        Run(long job, ViewDescriptor v) {
            this.job = job;
            this.view = v.name();
            this.viewId = v.id();
            this.from = v.storageId();
            this.to = v.pendingStorageId();
        }
    }

    /**
     * {@code walMark}: {@link IngestService#walMark}; with wal kafka a copy is done once its rows are
     * in the WAL, and the switch waits until they are applied too. {@code leader}: whether this node
     * follows the replays (with several nodes, one does: the one Kafka gave the first shard).
     */
    public Replays(ViewRegistry registry, BackfillDao copies, JobTracker tracker, JobService jobs,
                   Map<String, List<String>> shardsByGroup, Supplier<BooleanSupplier> walMark,
                   BooleanSupplier leader, Clock clock) {
        this.registry = registry;
        this.copies = copies;
        this.tracker = tracker;
        this.jobs = jobs;
        this.shardsByGroup = Map.copyOf(shardsByGroup);
        this.walMark = walMark;
        this.leader = leader;
        this.clock = clock;
    }

    @Override
    public void start() {
        ticks.scheduleWithFixedDelay(this::tick, 0, 500, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        // shutdown, not shutdownNow: an interrupt during an H2 file write closes the whole database
        // (ClosedByInterruptException), and what stops after this still needs it
        ticks.shutdown();
        ticks.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Starts a replay of {@code v}; its job's id. 422 without a source here, 409 when one runs already. */
    public synchronized long start(ViewDescriptor v) {
        var binding = v.definition().binding();
        if (binding == null) {
            throw invalid("view '" + v.name() + "' has no binding: there is no source to replay it from");
        }
        if (!shardsByGroup.containsKey(binding.sourceGroup())) {
            throw invalid("view '" + v.name() + "' follows source group '" + binding.sourceGroup()
                    + "', which this node does not capture");
        }
        ViewDescriptor building = registry.beginGeneration(v.name());
        long job = tracker.begin(JobType.REPLAY, building.id(), building.name(), "from the sources into generation "
                + building.pendingStorageId() + "; queries read generation " + building.storageId() + " until it is copied", null);
        if (leader.getAsBoolean()) {
            follow(job, building);
        } // else the leader adopts it at its next look
        return job;
    }

    private Run follow(long job, ViewDescriptor v) {
        Run run = new Run(job, v);
        runs.put(run.to, run);
        LOG.info("replay of view {}: generation {} is built from the sources (job {})", v.name(), run.to, run.job);
        return run;
    }

    private static Refused invalid(String reason) {
        return Refused.of(Refused.Kind.INVALID, "Invalid job request", List.of(new Refused.Reason("view", reason)));
    }

    /** One look at every replay: adopt, cancel, switch, purge, finish. Never throws (it runs again). */
    synchronized void tick() {
        if (!leader.getAsBoolean()) {
            runs.clear(); // no longer the leader: the new one adopts them (their job rows stay RUNNING)
            return;
        }
        try {
            Map<Long, ViewDescriptor> pending = new HashMap<>();
            for (ViewDescriptor v : registry.list()) {
                if (v.pendingStorageId() != null) {
                    pending.put(v.pendingStorageId(), v);
                }
            }
            // A replay started on another node, or left by a leader that stopped, goes on under its job;
            // one whose job a restart ended goes on under a new job.
            pending.forEach((to, v) -> {
                if (!runs.containsKey(to)) {
                    follow(jobs.unfinished(JobType.REPLAY, v.id()).orElseGet(() -> tracker.begin(JobType.REPLAY, v.id(),
                            v.name(), "generation " + to + ", resumed after a restart", null)), v);
                }
            });
            for (Run run : List.copyOf(runs.values())) {
                step(run, Optional.ofNullable(pending.get(run.to)));
            }
        } catch (RuntimeException e) {
            LOG.warn("replays: could not look at the running replays; looked at again shortly", e);
        }
    }

    private void step(Run run, Optional<ViewDescriptor> pending) {
        if (run.droppedAt >= 0) {
            purgeDropped(run);
            return;
        }
        if (run.switchedAt < 0) {
            if (pending.isEmpty()) {
                // Deleted, or its generation dropped by another node: the purge of deleted views takes the records.
                finishFailed(run, "view '" + run.view + "' was deleted, or its replay dropped, before the switch");
            } else if (tracker.cancelRequested(run.job)) {
                cancel(run, pending.get());
            } else {
                copyOrSwitch(run, pending.get());
            }
            return;
        }
        if (run.purgeJob < 0 && clock.millis() - run.switchedAt >= GRACE.toMillis()) {
            run.purgeJob = jobs.purge(run.from, run.view);
        }
        if (run.purgeJob >= 0) {
            Job purge = jobs.get(run.purgeJob);
            if (purge.state().finished()) {
                runs.remove(run.to);
                long purged = purge.result() == null ? 0 : purge.result().path("recordsDeleted").asLong();
                tracker.finish(run.job, run.rows, new JobResult.Replay(run.from, run.to, run.rows, purged));
                LOG.info("replay of view {} done: generation {} purged ({} records)", run.view, run.from, purged);
            }
        }
    }

    /** Reports the copies' progress; switches once every shard of the group copied the generation. */
    private void copyOrSwitch(Run run, ViewDescriptor v) {
        List<String> shards = shardsByGroup.getOrDefault(v.definition().binding().sourceGroup(), List.of());
        long rows = 0;
        long estimate = 0;
        int done = 0;
        for (String shard : shards) {
            Optional<CopyRow> copy = copies.find(run.to, shard);
            if (copy.isPresent()) {
                rows += copy.get().rowsCopied();
                estimate += copy.get().estimate() == null ? 0 : copy.get().estimate();
                done += copy.get().status() == CopyStatus.DONE ? 1 : 0;
            }
        }
        run.rows = rows;
        tracker.total(run.job, Math.max(estimate, rows));
        tracker.progress(run.job, rows);
        if (shards.isEmpty() || done < shards.size()) {
            return;
        }
        if (run.applied == null) {
            run.applied = walMark.get();
        }
        if (!run.applied.getAsBoolean()) {
            return; // wal kafka: the copies' last rows are published, not applied yet
        }
        // Every shard's copy is done and the stream has written the generation since before each copy
        // began: it holds what the queried one holds. One row update moves every query to it.
        if (!registry.switchGeneration(run.view, run.viewId, run.to)) {
            finishFailed(run, "view '" + run.view + "' changed before the switch (deleted, or its replay dropped)");
            return;
        }
        run.switchedAt = clock.millis();
        tracker.total(run.job, rows);
        LOG.info("replay of view {}: queries read generation {} now ({} rows copied); generation {} is purged in {}",
                run.view, run.to, rows, run.from, GRACE);
    }

    /** Drops the pending generation (queries never read it); what was built of it is purged next. */
    private void cancel(Run run, ViewDescriptor v) {
        registry.dropGeneration(run.view, run.viewId, run.to);
        run.droppedAt = clock.millis();
        LOG.info("replay of view {} cancelled: generation {} dropped, queries stay on {}", v.name(), run.to, run.from);
    }

    /**
     * Purges a dropped generation once its copies stopped (they stop at their next chunk once the
     * engines no longer stream into it; at most a minute is waited for a stuck one, and the purge at
     * the next start takes whatever is left of a generation no view has).
     */
    private void purgeDropped(Run run) {
        boolean copying = shardsByGroup.values().stream().flatMap(List::stream).distinct()
                .anyMatch(shard -> copies.find(run.to, shard).map(c -> c.status() == CopyStatus.RUNNING).orElse(false));
        if (copying && clock.millis() - run.droppedAt < 60_000) {
            return;
        }
        jobs.purge(run.to, run.view);
        runs.remove(run.to);
        tracker.finish(run.job, false, run.rows, "cancelled; generation " + run.to + " dropped, view '" + run.view
                + "' unchanged on generation " + run.from);
    }

    private void finishFailed(Run run, String reason) {
        runs.remove(run.to);
        tracker.finish(run.job, false, run.rows, reason);
    }

    /** For tests: the generations this node is building. */
    Set<Long> building() {
        synchronized (this) {
            return Set.copyOf(runs.keySet());
        }
    }
}
