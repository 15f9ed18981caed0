package io.sideview.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sideview.errors.Refused;
import io.sideview.jobs.api.Job;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.db.JobDao;
import io.sideview.jobs.db.JobRow;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The record of every job: rows in the metadata DB, and the live progress of running ones in memory
 * (what the API shows), written to the DB at most once a second. Work that runs elsewhere (a shard
 * engine's history copy) reports through it as a {@link JobTracker}. Every job this node queues is
 * held by it under a lease ({@link JobLeases} renews it); its writes to a job land only while it
 * still holds the job, so a node that lost a job to another cannot overwrite that one's record.
 */
public final class JobLedger implements JobTracker {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobLedger.class);
    private static final long FLUSH_MILLIS = 1000;

    private final JobDao dao;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final String owner;
    private final long leaseMs;
    private final Map<Long, Progress> live = new ConcurrentHashMap<>();
    private final java.util.Set<Long> cancels = ConcurrentHashMap.newKeySet();

    /** A running job's numbers, as its work reports them. */
    public final class Progress {
        private final long id;
        private volatile long done;
        private volatile Long total;
        private volatile long flushedAt;
        private volatile String lastNode;
        /** Where the run would take up its work again, computed only when a flush writes it. */
        private volatile java.util.function.Supplier<String> checkpoint;
        private volatile boolean lost;

        /** Whether its writes land only while this node holds the job (not for copies and replays: see finishTracked). */
        private final boolean fenced;

        private Progress(long id, Long total, boolean fenced) {
            this.id = id;
            this.total = total;
            this.fenced = fenced;
        }

        public void done(long done) {
            this.done = done;
            flush(false);
        }

        public void total(long total) {
            this.total = total;
            flush(true);
        }

        /** The last node finished, with the count of nodes done (a node-by-node job's place in its walk). */
        public void at(String node, long done) {
            this.lastNode = node;
            done(done);
        }

        /**
         * As {@link #at}, with where a run of the job on any node would take its work up again: written
         * with the progress (the first at once, then at most every {@code FLUSH_MILLIS}), so a resumed
         * run repeats at most about that much work.
         */
        public void at(String node, long done, java.util.function.Supplier<String> checkpoint) {
            boolean first = this.checkpoint == null;
            this.checkpoint = checkpoint;
            this.lastNode = node;
            this.done = done;
            flush(first);
        }

        long done() {
            return done;
        }

        /** Another node took the job over (this one's lease expired): the run should stop, its writes land nowhere. */
        boolean lost() {
            return lost;
        }

        private void flush(boolean force) {
            long now = clock.millis();
            if (force || now - flushedAt >= FLUSH_MILLIS) {
                flushedAt = now;
                if (!fenced) {
                    dao.progressAny(id, done, total, now);
                    return;
                }
                java.util.function.Supplier<String> resumeAt = checkpoint;
                int rows = lastNode == null
                        ? dao.progress(id, owner, done, total, now)
                        : resumeAt == null
                        ? dao.progressAt(id, owner, done, total, lastNode, now)
                        : dao.checkpoint(id, owner, done, total, lastNode, resumeAt.get(), now);
                if (rows == 0 && !lost) {
                    lost = true;
                    LOG.warn("job {} is held by another node now (this node's lease expired); stopping it here", id);
                }
            }
        }
    }

    /** {@code owner}: this node, holding its jobs for {@code lease} past each renewal. */
    public JobLedger(JobDao dao, ObjectMapper mapper, Clock clock, String owner, java.time.Duration lease) {
        this.dao = dao;
        this.mapper = mapper;
        this.clock = clock;
        this.owner = owner;
        this.leaseMs = lease.toMillis();
    }

    String owner() {
        return owner;
    }

    /** When a lease taken or renewed now ends. */
    long leaseUntil() {
        return clock.millis() + leaseMs;
    }

    long now() {
        return clock.millis();
    }

    /** Takes an unfinished job for this node if nobody holds it (its holder's lease expired); true when taken. */
    boolean claim(long id) {
        long now = clock.millis();
        return dao.claim(id, owner, now, now + leaseMs) == 1;
    }

    long queue(JobType type, long viewId, String viewName, String detail) {
        return queue(type, viewId, viewName, detail, null);
    }

    /** {@code params}: the client's options as JSON (null: none). */
    long queue(JobType type, long viewId, String viewName, String detail, String params) {
        long now = clock.millis();
        return dao.add(type, viewId, viewName, detail, JobState.QUEUED, null, now, params, owner, now + leaseMs);
    }

    /** An index build's job with its PENDING row (see {@link JobDao#addIndexBuild}). */
    long queueIndexBuild(long viewId, String viewName, int indexId, String indexName) {
        long now = clock.millis();
        return dao.addIndexBuild(viewId, viewName, indexId, indexName, now, owner, now + leaseMs);
    }

    /**
     * Marks the job RUNNING and tracks its progress until {@link #finish}; null when another node holds
     * it now (it took over while the job waited here).
     */
    Progress start(long id, Long total) {
        if (dao.start(id, owner, clock.millis()) != 1) {
            return null;
        }
        Progress p = new Progress(id, total, true);
        live.put(id, p);
        return p;
    }

    void finish(long id, JobState state, long done, JobResult result) {
        live.remove(id);
        cancels.remove(id);
        if (dao.finish(id, owner, state, done, result == null ? null : json(result), clock.millis()) == 0) {
            LOG.warn("job {} is held by another node now; its outcome here ({}) is not recorded", id, state);
        }
    }

    JobRow row(long id) {
        return dao.find(id).orElseThrow(() -> Refused.notFound("no job " + id));
    }

    public Job get(long id) {
        return describe(row(id));
    }

    public List<Job> list(String view, long before, int limit) {
        List<JobRow> rows = view == null ? dao.list(before, limit) : dao.listForView(view, before, limit);
        return rows.stream().map(this::describe).toList();
    }

    /** Jobs a stopped process left QUEUED or RUNNING. */
    List<JobRow> unfinished() {
        return dao.unfinished();
    }

    JobDao dao() {
        return dao;
    }

    /** The running jobs, with what they did so far of the total known (0 while unknown), summed: the job gauges. */
    public record Running(int jobs, long done, long total) {}

    public Running running() {
        int jobs = 0;
        long done = 0;
        long total = 0;
        for (Progress p : live.values()) {
            jobs++;
            done += p.done;
            Long t = p.total;
            total += t == null ? 0 : t;
        }
        return new Running(jobs, done, total);
    }

    // ------------------------------------------------------------------ JobTracker

    @Override
    public long begin(JobType type, long viewId, String viewName, String detail, Long total) {
        long now = clock.millis();
        long id = dao.add(type, viewId, viewName, detail, JobState.QUEUED, total, now, null, owner, now + leaseMs);
        dao.start(id, owner, now);
        live.put(id, new Progress(id, total, false));
        return id;
    }

    @Override
    public void total(long id, long total) {
        Progress p = tracked(id);
        if (p != null) {
            p.total(total);
        }
    }

    @Override
    public void progress(long id, long done) {
        Progress p = tracked(id);
        if (p != null) {
            p.done(done);
        }
    }

    /**
     * A tracked job's live numbers; adopted while it is unfinished when it began on another node (a
     * replay the leader follows now); null once it finished.
     */
    private Progress tracked(long id) {
        Progress p = live.get(id);
        if (p != null) {
            return p;
        }
        boolean unfinished = dao.find(id).map(r -> !r.state().finished()).orElse(false);
        return unfinished ? live.computeIfAbsent(id, i -> new Progress(i, null, false)) : null;
    }

    @Override
    public void finish(long id, boolean ok, long done, String message) {
        JobState state = ok ? JobState.DONE : cancels.contains(id) ? JobState.CANCELLED : JobState.FAILED;
        finishTracked(id, state, done, ok ? null : new JobResult.Failure(message));
    }

    @Override
    public void finish(long id, long done, JobResult result) {
        finishTracked(id, JobState.DONE, done, result);
    }

    /**
     * Not fenced by the lease: who drives a tracked job is decided elsewhere (Kafka gives a shard's
     * engine, and the replays, to one node), and the replay leader finishes a replay another node began.
     */
    private void finishTracked(long id, JobState state, long done, JobResult result) {
        live.remove(id);
        cancels.remove(id);
        dao.finishAny(id, state, done, result == null ? null : json(result), clock.millis());
    }

    @Override
    public boolean cancelRequested(long id) {
        return cancels.contains(id);
    }

    /** Asks work reporting through this tracker to stop; it says so when it finishes. */
    void requestCancel(long id) {
        cancels.add(id);
    }

    // ------------------------------------------------------------------ reading

    String json(Object result) {
        try {
            return mapper.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a job result could not be written as JSON", e);
        }
    }

    private Job describe(JobRow r) {
        Progress l = live.get(r.id());
        long done = l != null ? l.done : r.done();
        Long total = l != null && l.total != null ? l.total : r.total();
        JobProgress p = JobProgress.of(r.state(), total, done, r.startedAt(), r.finishedAt(), clock.millis());
        return new Job(r.id(), r.type(), r.viewName(), r.detail(), r.state(), total, done, p.percent(), p.ratePerSecond(),
                p.etaSeconds(), stored(r.params()), r.lastNode(), stored(r.result()), Instant.ofEpochMilli(r.createdAt()), instant(r.startedAt()),
                Instant.ofEpochMilli(r.updatedAt()), instant(r.finishedAt()), r.owner());
    }

    /** As stored: a result written by an older version keeps its own fields. */
    private JsonNode stored(String s) {
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
