package io.sideview.ingest;

import com.google.common.util.concurrent.RateLimiter;
import io.sideview.ingest.db.BackfillDao;
import io.sideview.ingest.db.CopyRow;
import io.sideview.jobs.JobTracker;
import io.sideview.jobs.JobType;
import io.sideview.registry.model.Binding;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history copies of one shard's views (design §11): each view that does not have its existing
 * rows yet gets them in primary-key chunks ({@link TableCopy#readChunk}), each at its own binlog
 * position, applied through the same sink as the stream (so a copied batch still reaches every node
 * side through its single writer and the intake log). A chunk is recorded done in
 * {@code view_backfills} only once all its rows are durable; after a crash, a restart or a failure
 * the copy resumes after the last chunk done. Runs on the engine's copy thread once the binlog reader
 * streams, so the stream already covers every change after each chunk's position.
 */
final class HistoryCopy {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryCopy.class);

    private final String engine;
    private final SourceFlavor flavor;
    private final ShardConfig shard;
    private final ChangeSink sink;
    private final BackfillDao dao;
    private final JobTracker jobs;
    private final CopyConfig config;
    private final ShardEngine.ShardStats stats;
    private final Consumer<String> repairs;
    /** Whether the engine still streams into a generation: a copy into one deleted or dropped since stops. */
    private final LongPredicate captured;

    HistoryCopy(String engine, SourceFlavor flavor, ShardConfig shard, ChangeSink sink, BackfillDao dao, JobTracker jobs,
                CopyConfig config, ShardEngine.ShardStats stats, Consumer<String> repairs, LongPredicate captured) {
        this.engine = engine;
        this.flavor = flavor;
        this.shard = shard;
        this.sink = sink;
        this.dao = dao;
        this.jobs = jobs;
        this.config = config;
        this.stats = stats;
        this.repairs = repairs;
        this.captured = captured;
    }

    /**
     * Copies (or resumes) every captured view's history that is not done and not cancelled, and asks
     * for the repair of a view whose copy followed a lost stream position once that copy is done.
     */
    void run(List<CaptureTarget> captured) {
        for (CaptureTarget t : captured) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            Optional<CopyRow> prior = dao.find(t.layout().storageId(), shard.name());
            if (prior.isPresent() && prior.get().repairAfter()) {
                stats.recovering("the views of this shard are copied again after a lost binlog position, then repaired against the source");
            }
            if (prior.isPresent() && prior.get().status() == CopyStatus.DONE) {
                stats.backfill(t.viewName(), prior.get());
                repairIfDue(t);
            } else if (prior.isPresent() && !prior.get().status().resumesByItself()) {
                stats.backfill(t.viewName(), prior.get());
            } else {
                copy(t, prior.orElse(null));
            }
        }
        boolean pending = captured.stream().anyMatch(t ->
                dao.find(t.layout().storageId(), shard.name()).map(CopyRow::repairAfter).orElse(false));
        if (!pending) {
            stats.recovered();
        }
    }

    /** The view's history is copied again from the first row, and the view repaired once it is done. */
    void recopy(CaptureTarget t) {
        dao.recopy(t.layout().storageId(), shard.name(), System.currentTimeMillis());
    }

    /** After a copy that followed a lost stream position: the repair against the source, asked for once. */
    private void repairIfDue(CaptureTarget t) {
        long viewId = t.layout().storageId();
        if (dao.find(viewId, shard.name()).map(CopyRow::repairAfter).orElse(false)) {
            repairs.accept(t.viewName());
            dao.repairAfter(viewId, shard.name(), false);
            LOG.info("{}: view {} copied again after a lost stream position; repair against the source requested",
                    engine, t.viewName());
        }
    }

    /** Where a copy starts: after the last chunk done, or from the first row. */
    private record Start(List<Object> after, long rows, long chunks) {
        static final Start FIRST = new Start(null, 0, 0);
    }

    private void copy(CaptureTarget t, CopyRow prior) {
        long viewId = t.layout().storageId();
        Binding binding = t.layout().definition().binding();
        long job = -1;
        long rows = prior == null ? 0 : prior.rowsCopied();
        try (Connection c = TableCopy.connect(flavor, shard)) {
            List<String> key = TableCopy.primaryKey(c, binding);
            Start start = resumable(prior, key);
            long now = System.currentTimeMillis();
            if (start == Start.FIRST) {
                dao.begin(viewId, shard.name(), now);
            } else {
                dao.status(viewId, shard.name(), CopyStatus.RUNNING, null, now);
            }
            rows = start.rows();
            long estimate = TableCopy.estimateRows(c, binding);
            dao.estimate(viewId, shard.name(), estimate, now);
            String detail = "shard " + engine + (start.chunks() == 0 ? ", from the first row"
                    : ", resumed after chunk " + start.chunks() + " (" + start.rows() + " rows)");
            job = jobs.begin(JobType.BACKFILL, viewId, t.viewName(), detail, estimate);
            jobs.progress(job, rows);
            stats.backfill(t.viewName(), CopyStatus.RUNNING, rows, start.chunks());
            Outcome outcome = key.isEmpty()
                    ? whole(c, t, job)
                    : chunks(c, t, key, start, job);
            rows = outcome.rows();
            now = System.currentTimeMillis();
            dao.status(viewId, shard.name(), outcome.status(), null, now);
            if (outcome.status() == CopyStatus.DONE) {
                repairIfDue(t);
            }
            stats.backfill(t.viewName(), outcome.status(), rows, outcome.chunks());
            if (outcome.status() == CopyStatus.DONE) {
                jobs.total(job, rows); // the estimate was read before the chunks: a done copy is its rows
            }
            jobs.finish(job, outcome.status() == CopyStatus.DONE, rows,
                    outcome.status() == CopyStatus.DONE ? null : "cancelled after chunk " + outcome.chunks()
                            + "; resume with POST /api/v1/ingest/copies/resume");
            LOG.info("{}: history copy of {} for view {}: {} ({} rows, {} chunks)", engine, t.qualifiedTable(),
                    t.viewName(), outcome.status(), rows, outcome.chunks());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finishFailed(t, job, rows, "stopped; resumes after its last chunk done at the next start");
        } catch (Exception e) {
            dao.status(viewId, shard.name(), CopyStatus.FAILED, truncate(e.toString()), System.currentTimeMillis());
            finishFailed(t, job, rows, "resumes after its last chunk done at the next engine start: " + e.getMessage());
            LOG.warn("{}: history copy for view {} failed; it resumes at the next engine start", engine, t.viewName(), e);
        }
    }

    private void finishFailed(CaptureTarget t, long job, long rows, String message) {
        stats.backfill(t.viewName(), CopyStatus.FAILED, rows, -1);
        if (job >= 0) {
            jobs.finish(job, false, rows, message);
        }
    }

    /** A prior copy resumes when it recorded a chunk of the same key shape; anything else starts over. */
    private static Start resumable(CopyRow prior, List<String> key) {
        if (prior == null || prior.lastKey() == null || key.isEmpty()) {
            return Start.FIRST;
        }
        List<Object> after = ChunkKey.decode(prior.lastKey());
        return after.size() == key.size() ? new Start(after, prior.rowsCopied(), prior.chunksDone()) : Start.FIRST;
    }

    private record Outcome(CopyStatus status, long rows, long chunks) {}

    private Outcome chunks(Connection c, CaptureTarget t, List<String> key, Start start, long job) throws Exception {
        long viewId = t.layout().storageId();
        Binding binding = t.layout().definition().binding();
        RateLimiter throttle = config.rowsPerSecond() > 0 ? RateLimiter.create(config.rowsPerSecond()) : null;
        List<Object> after = start.after();
        long rows = start.rows();
        long chunks = start.chunks();
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (jobs.cancelRequested(job) || !captured.test(viewId)) {
                return new Outcome(CopyStatus.CANCELLED, rows, chunks);
            }
            TableCopy.Chunk chunk = TableCopy.readChunk(flavor, c, shard.name(), binding, key, after, config.chunkRows());
            if (chunk.rows().isEmpty()) {
                return new Outcome(CopyStatus.DONE, rows, chunks);
            }
            for (int i = 0; i < chunk.rows().size(); i += TableCopy.BATCH) {
                sink.accept(chunk.rows().subList(i, Math.min(chunk.rows().size(), i + TableCopy.BATCH)), table -> List.of(t));
            }
            rows += chunk.rows().size();
            chunks++;
            after = chunk.lastKey();
            // Only now, with every row of the chunk durable in the view, may a resume start after it.
            dao.chunkDone(viewId, shard.name(), chunk.at().toString(), ChunkKey.encode(after), rows, chunks,
                    System.currentTimeMillis());
            stats.backfill(t.viewName(), CopyStatus.RUNNING, rows, chunks);
            jobs.progress(job, rows);
            if (chunk.rows().size() < config.chunkRows()) {
                // The last chunk: a row after its key did not exist at its read, so the stream brings it.
                return new Outcome(CopyStatus.DONE, rows, chunks);
            }
            if (throttle != null) {
                throttle.acquire(chunk.rows().size());
            }
        }
    }

    private Outcome whole(Connection c, CaptureTarget t, long job) throws Exception {
        LOG.warn("{}: table {} has no primary key: its history is copied by one statement, redone whole after a crash",
                engine, t.qualifiedTable());
        long[] copied = {0};
        TableCopy.Whole copy = TableCopy.copyWhole(flavor, c, shard.name(), t.layout().definition().binding(), batch -> {
            sink.accept(batch, table -> List.of(t));
            copied[0] += batch.size();
            stats.backfill(t.viewName(), CopyStatus.RUNNING, copied[0], 0);
            jobs.progress(job, copied[0]);
        });
        dao.chunkDone(t.layout().storageId(), shard.name(), copy.at().toString(), null, copy.rows(), 1, System.currentTimeMillis());
        return new Outcome(CopyStatus.DONE, copy.rows(), 1);
    }

    private static String truncate(String s) {
        return s.length() <= 1000 ? s : s.substring(0, 1000);
    }
}
