package io.sideview.ingest;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.sideview.ingest.api.ShardPause;
import io.sideview.ingest.api.ShardStatus;
import io.sideview.ingest.db.ShardStreamDao;
import io.sideview.jobs.JobTracker;
import io.sideview.jobs.JobType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embedded Debezium engine for one shard, supervised on its own thread: it captures the tables
 * that active views of its group bind, hands each batch to the {@link ChangeApplier} and marks the
 * records processed only after the batch is applied, so Debezium commits offsets only for applied
 * changes (invariant 4). When the engine stops on an error (shard gone, storage failing) it is
 * restarted with backoff from its last committed offset; when the bound tables change it is
 * restarted with the new table list. Offsets and schema history are files under the data dir,
 * never on a captured shard.
 */
public class ShardEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ShardEngine.class);

    private final String group;
    private final SourceFlavor flavor;
    private final ShardConfig shard;
    private final Path stateDir;
    private final Supplier<List<CaptureTarget>> targets;
    private final ChangeSink applier;
    private final java.util.function.Consumer<Properties> storage;
    private final HistoryCopy copies;
    private final ShardStreamDao streams;
    private final LostPosition onLostPosition;
    /** Both made again by each {@link #start()}: with ownership, an engine stops and starts as its shard moves. */
    private volatile ExecutorService thread;
    private volatile ExecutorService backfillThread;
    private final ShardStats stats = new ShardStats();

    private volatile boolean running;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private volatile List<CaptureTarget> current = List.of();
    /** The newest source offset whose batch the sink accepted (heartbeats included): see {@link #appliedThrough()}. */
    private volatile BinlogPosition appliedThrough;
    /** Names the engine's offsets and schema history: a new epoch is a new stream (see {@link LostPosition}). */
    private volatile int epoch;
    private volatile boolean recoverRequested;
    /** Bumped by each {@link #start()}: a supervisor thread that outlived its stop's bounded wait sees it and exits. */
    private volatile long generation;
    /** Set by an operator (shard-pause): the engine stays stopped, across ownership's own() too, until resumed. */
    private volatile ShardPause pause;
    /** wal: kafka: another node runs this shard; pause, resume and restart have nothing to act on here. */
    private volatile boolean elsewhere;

    /** The group's Debezium settings, put over Sideview's tuning defaults. */
    private final java.util.Map<String, String> debezium;

    public ShardEngine(String group, SourceGroupConfig source, ShardConfig shard, Path stateDir,
                       Supplier<List<CaptureTarget>> targets, ChangeSink applier, EngineStores stores,
                       JobTracker jobs, java.util.function.Consumer<Properties> storage) {
        this.group = group;
        this.flavor = source.flavor();
        this.shard = shard;
        this.stateDir = stateDir;
        this.targets = targets;
        this.applier = applier;
        this.copies = new HistoryCopy(name(), flavor, shard, applier, stores.copies(), jobs, source.copy(), stats,
                stores.repairs(), this::captures);
        this.streams = stores.streams();
        this.onLostPosition = source.onLostPosition();
        this.debezium = source.debezium();
        this.storage = storage;
    }

    public String name() {
        return group + "/" + shard.name();
    }

    public synchronized void start() {
        elsewhere = false;
        if (pause != null) {
            stats.state(EngineState.PAUSED);
            return;
        }
        if (running) {
            return;
        }
        running = true;
        long gen = ++generation;
        thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "cdc-" + group + "-" + shard.name()));
        backfillThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "backfill-" + group + "-" + shard.name()));
        stats.state(EngineState.STARTING);
        thread.submit(() -> supervise(gen));
    }

    /** Another node runs this shard (wal: kafka): shown as such, not as stopped. */
    public synchronized void elsewhere() {
        elsewhere = true;
        stats.state(EngineState.ELSEWHERE);
    }

    /**
     * wal: kafka: the shard went to another node. Stops the engine here (waiting), and drops an operator's
     * pause: the pause was of this node's engine, and the node that runs the shard now does not know of it.
     */
    public synchronized void release() throws InterruptedException {
        stop();
        if (pause != null) {
            LOG.warn("{}: paused by {} here since {}, but the shard goes to another node, which runs it; the pause ends",
                    name(), pause.by(), pause.since());
            pause = null;
        }
        elsewhere();
    }

    /** What {@link #pause}, {@link #resume} and {@link #restart} found: they act only on an engine of this node. */
    public enum Control {
        /** Done as asked. */
        DONE,
        /** Already so (paused for a pause, not paused for a resume): nothing changed. */
        ALREADY,
        /** Another node runs the shard (wal: kafka): nothing changed here. */
        ELSEWHERE,
        /** A restart of a paused engine: refused, an operator's pause is lifted only by a resume. */
        PAUSED
    }

    /**
     * Stops the engine and keeps it stopped: the same clean stop as a shutdown (Debezium commits the
     * offsets of what was applied, see {@link #handleBatch}), waited for so the caller's answer is true
     * once it returns. Synchronized with start, stop and release: an ownership change waits for it.
     */
    public synchronized Control pause(String by, String via, java.time.Instant now) throws InterruptedException {
        if (elsewhere) {
            return Control.ELSEWHERE;
        }
        if (pause != null) {
            return Control.ALREADY;
        }
        // Set before the stop: health and status read it at any moment, and a stopping engine must not
        // look like a broken one (STOPPED is unhealthy) to a readiness probe that runs meanwhile.
        pause = new ShardPause(by, via, now, null);
        stopEngine();
        pause = new ShardPause(by, via, now, stats.position());
        stats.state(EngineState.PAUSED);
        LOG.info("{}: paused by {} ({}) at {}", name(), by, via, pause.position());
        return Control.DONE;
    }

    /** Starts a paused engine again from its committed offsets. */
    public synchronized Control resume() {
        if (elsewhere) {
            return Control.ELSEWHERE;
        }
        if (pause == null) {
            return Control.ALREADY;
        }
        LOG.info("{}: resumed (paused by {} since {})", name(), pause.by(), pause.since());
        pause = null;
        start();
        return Control.DONE;
    }

    /** Stops and starts the engine (after a fix of its shard or network): it resumes from its committed offsets. */
    public synchronized Control restart() throws InterruptedException {
        if (elsewhere) {
            return Control.ELSEWHERE;
        }
        if (pause != null) {
            return Control.PAUSED;
        }
        LOG.info("{}: restarting the engine on an operator's request", name());
        // Not stop(): its STOPPED (unhealthy) would show between the two; STARTING is what this is.
        stopEngine();
        start();
        return Control.DONE;
    }

    /** The operator's pause in force, or null. */
    public ShardPause paused() {
        return pause;
    }

    /**
     * Follows the registry: a changed set of bound tables restarts the engine with the new list (and
     * copies the new views' history once it streams again); otherwise the new definitions apply from
     * the next batch on, and a view that is new on an already captured table gets its history copied
     * while the engine keeps streaming.
     */
    public void reconfigure() {
        List<CaptureTarget> next = targets.get();
        if (!tables(next).equals(tables(current))) {
            LOG.info("{}: bound tables changed to {}; restarting the engine", name(), tables(next));
            closeEngine();
            return;
        }
        current = next;
        if (running && engine != null && !next.isEmpty()) {
            backfillThread.submit(() -> backfill(next));
        }
    }

    /** Whether the engine still streams into generation {@code storageId} (not deleted, dropped or replaced). */
    private boolean captures(long storageId) {
        return current.stream().anyMatch(t -> t.layout().storageId() == storageId);
    }

    public synchronized void stop() throws InterruptedException {
        stopEngine();
        stats.state(EngineState.STOPPED);
    }

    /** Closes the engine and waits for its threads, leaving the state to the caller. */
    private synchronized void stopEngine() throws InterruptedException {
        running = false;
        closeEngine();
        if (thread != null) {
            backfillThread.shutdownNow();
            thread.shutdownNow();
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("{}: the engine thread did not end within 30 s; a later start runs a new one (this one exits)", name());
            }
            backfillThread.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    public ShardStatus status() {
        ShardStatus s = stats.snapshot(group, shard.name(), tables(current), pause);
        // The binlog reader reconnects by itself after a shard outage; while it is away, say so.
        if (s.state() == EngineState.STREAMING && Boolean.FALSE.equals(StreamingMetrics.connected(topicPrefix()))) {
            return new ShardStatus(s.group(), s.shard(), EngineState.DISCONNECTED, s.tables(), s.position(), s.lagMs(),
                    s.lagEvents(), s.eventsPerSecond(), s.eventsApplied(), s.deadLetters(), s.lastError(), s.recovery(), s.backfills(), s.paused());
        }
        return s;
    }

    /** Capturing, and every view of the shard has its history (none is being copied again after a lost position). */
    public boolean healthy() {
        ShardStatus s = status();
        return s.state().healthy() && s.recovery() == null;
    }

    /** Operator's go-ahead (LostPosition.WAIT): a new stream, the views copied again and repaired. */
    public void recover() {
        if (stats.state() != EngineState.POSITION_LOST) {
            throw io.sideview.errors.Refused.conflict("shard", name() + " has not lost its stream position (it is "
                    + stats.state() + ")");
        }
        recoverRequested = true;
    }

    private void supervise(long gen) {
        long backoff = 500;
        boolean retrying = false;
        while (live(gen)) {
            current = targets.get();
            epoch = streams.epoch(group, shard.name()).orElse(0);
            if (current.isEmpty()) {
                stats.state(EngineState.IDLE);
                sleep(500);
                continue;
            }
            // After a failure the engine stays RETRYING (unhealthy) until it polls again.
            stats.state(retrying ? EngineState.RETRYING : EngineState.STARTING);
            Throwable[] failure = new Throwable[1];
            try {
                engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                        .using(properties(current))
                        .using(new DebeziumEngine.ConnectorCallback() {
                            @Override
                            public void pollingStarted() {
                                stats.state(EngineState.STREAMING);
                                List<CaptureTarget> captured = current;
                                backfillThread.submit(() -> backfill(captured));
                            }
                        })
                        .using((success, message, error) -> {
                            if (!success) {
                                failure[0] = error != null ? error : new IllegalStateException(message);
                            }
                        })
                        .notifying(this::handleBatch)
                        .build();
                engine.run();
            } catch (RuntimeException e) {
                failure[0] = e;
            }
            if (!live(gen)) {
                return;
            }
            if (failure[0] != null && LostPosition.isCause(failure[0])) {
                lostPosition(failure[0]);
                backoff = 500;
                retrying = false;
            } else if (failure[0] != null) {
                stats.failed(failure[0]);
                LOG.warn("{}: engine stopped ({}); retrying in {} ms from the last committed offset",
                        name(), failure[0].toString(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 15_000);
                retrying = true;
            } else {
                backoff = 500;
                retrying = false;
            }
        }
    }

    /** This supervisor's engine is still wanted: running, and no later start has made another supervisor. */
    private boolean live(long gen) {
        return running && generation == gen;
    }

    /**
     * The shard purged the binlog position this engine must resume from: the events in between are
     * gone. A new epoch starts a new stream from the shard's current position, and every view captured
     * from this shard is copied again and then repaired against the source (a copy alone cannot see
     * the rows deleted meanwhile). With {@link LostPosition#WAIT} this waits for an operator first.
     */
    private void lostPosition(Throwable cause) {
        String reason = "binlog position lost: " + LostPosition.reason(cause);
        LOG.error("{}: {}", name(), reason);
        if (onLostPosition == LostPosition.WAIT) {
            stats.lost(reason + "; waiting for an operator (POST /api/v1/ingest/shards/" + group + "/" + shard.name() + "/recover)");
            while (running && !recoverRequested) {
                sleep(200);
            }
            recoverRequested = false;
            if (!running) {
                return;
            }
        }
        long now = System.currentTimeMillis();
        int next = streams.reset(group, shard.name(), reason, now);
        for (CaptureTarget t : current) {
            copies.recopy(t);
        }
        stats.recovering(reason + "; new stream (epoch " + next + "): views copied again, then repaired against the source");
        LOG.warn("{}: new stream (epoch {}) from the shard's current position; {} view(s) copied again, then repaired",
                name(), next, current.size());
    }

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<RowChange> changes = new ArrayList<>(records.size());
        Long newestSourceMillis = null;
        for (RecordChangeEvent<SourceRecord> r : records) {
            RowChange c = SourceRecords.toChange(shard.name(), r.record());
            if (c != null) {
                changes.add(c);
                Long ms = SourceRecords.sourceMillis(r.record());
                newestSourceMillis = ms == null ? newestSourceMillis : ms;
            }
        }
        stats.received(changes.size());
        if (!changes.isEmpty()) {
            stats.state(changes.get(changes.size() - 1).snapshot() ? EngineState.SNAPSHOT : EngineState.STREAMING);
        }
        Function<String, List<CaptureTarget>> byTable = table -> current.stream()
                .filter(t -> t.qualifiedTable().equals(table)).toList();
        // Throws on a storage failure: nothing of this batch is marked, so it is replayed after the restart.
        int dead = applier.accept(changes, byTable);
        for (RecordChangeEvent<SourceRecord> r : records) {
            committer.markProcessed(r);
        }
        committer.markBatchFinished();
        stats.applied(changes, dead, newestSourceMillis);
        advanceApplied(records);
    }

    /**
     * Everything this engine read before this binlog position has been handed to the sink and accepted
     * (applied, or acknowledged by the WAL); null until the first batch. Heartbeats (every second) move
     * it on an idle shard. A source verify waits on it before comparing rows read at a position.
     */
    public BinlogPosition appliedThrough() {
        return appliedThrough;
    }

    private void advanceApplied(List<RecordChangeEvent<SourceRecord>> records) {
        for (RecordChangeEvent<SourceRecord> r : records) {
            java.util.Map<String, ?> offset = r.record().sourceOffset();
            if (offset != null && offset.get("file") instanceof String file && offset.get("pos") instanceof Number pos) {
                BinlogPosition at = new BinlogPosition(file, pos.longValue(), 0);
                BinlogPosition was = appliedThrough;
                if (was == null || at.atOrAfter(was)) {
                    appliedThrough = at;
                }
            }
        }
    }

    private Properties properties(List<CaptureTarget> captured) {
        Path dir = stateDir.resolve(group + "-" + shard.name());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir, e);
        }
        Properties p = new Properties();
        String stream = epoch == 0 ? "" : "-e" + epoch;
        p.setProperty("name", "sideview-" + group + "-" + shard.name() + stream);
        p.setProperty("topic.prefix", topicPrefix());
        p.setProperty("connector.class", flavor.connectorClass);
        p.setProperty("database.hostname", shard.host());
        p.setProperty("database.port", String.valueOf(shard.port()));
        p.setProperty("database.user", shard.user());
        p.setProperty("database.password", shard.password() == null ? "" : shard.password());
        p.setProperty("database.server.id", String.valueOf(shard.serverId()));
        p.setProperty("database.include.list", String.join(",", captured.stream().map(CaptureTarget::database).distinct().sorted().toList()));
        p.setProperty("table.include.list", String.join(",", tables(captured)));
        // History comes from TableCopy, per view: the engine only streams, so binding a new table (or a
        // second view to a captured one) never re-snapshots what is already captured.
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("include.schema.changes", "false");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("decimal.handling.mode", "double");
        p.setProperty("bigint.unsigned.handling.mode", "long");
        p.setProperty("poll.interval.ms", "50");
        // Heartbeats carry the binlog position even when no captured table changes, so an engine
        // that has seen nothing yet still commits where it is and resumes there after a restart.
        p.setProperty("heartbeat.interval.ms", "1000");
        // The keep-alive declares the binlog connection lost when no packet was read for this long. A reader
        // held back by a busy applier (backpressure) reads nothing meanwhile: at 2 s it reconnected over and
        // over under load (bench/ingest.sh), redoing work. A stopped shard closes the socket at once anyway.
        p.setProperty("connect.keep.alive.interval.ms", "15000");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("offset.storage.file.filename", dir.resolve("offsets" + stream + ".dat").toString());
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        p.setProperty("schema.history.internal.file.filename", dir.resolve("schema-history" + stream + ".dat").toString());
        // In Kafka mode offsets and history move to Kafka topics (one history topic per engine and epoch;
        // the offsets are keyed by the engine name, which carries the epoch).
        storage.accept(p);
        String historyTopic = p.getProperty("schema.history.internal.kafka.topic");
        if (historyTopic != null) {
            p.setProperty("schema.history.internal.kafka.topic", historyTopic + stream);
        }
        p.setProperty("converter.schemas.enable", "false");
        DebeziumSettings.applyTo(p, debezium);
        return p;
    }

    /**
     * Copies (or resumes) the history of every captured view that does not have it yet from this
     * shard. Runs once the binlog reader is connected, so the stream already starts before the
     * position of every chunk.
     */
    private void backfill(List<CaptureTarget> captured) {
        if (!StreamingMetrics.awaitConnected(topicPrefix(), 60_000)) {
            LOG.warn("{}: binlog reader not connected after 60 s; history copy waits for the next engine start", name());
            return;
        }
        copies.run(captured);
    }

    private String topicPrefix() {
        return ("sideview_" + group + "_" + shard.name()).replace('-', '_');
    }

    private static List<String> tables(List<CaptureTarget> targets) {
        return targets.stream().map(t -> t.qualifiedTable().replace(".", "\\.")).distinct().sorted().toList();
    }

    private void closeEngine() {
        DebeziumEngine<?> e = engine;
        engine = null;
        if (e != null) {
            try {
                e.close();
            } catch (IOException | IllegalStateException ex) {
                // An engine that already stopped on its own (e.g. a shard that never answered) is closed.
                LOG.debug("{}: closing the engine: {}", name(), ex.toString());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counters for status and metrics, updated by the engine thread. */
    static final class ShardStats {
        private volatile EngineState state = EngineState.STARTING;
        private volatile String position;
        private volatile Long lastLagMs;
        private volatile String lastError;
        private volatile String recovery;
        private final java.util.Map<String, String> backfills = new java.util.concurrent.ConcurrentSkipListMap<>();
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong applied = new AtomicLong();
        private final AtomicLong dead = new AtomicLong();
        private volatile double rate;
        private volatile long rateAppliedMark;
        private volatile long rateNanosMark = System.nanoTime();

        void state(EngineState s) {
            state = s;
        }

        EngineState state() {
            return state;
        }

        String position() {
            return position;
        }

        void failed(Throwable t) {
            state = EngineState.RETRYING;
            lastError = t.toString();
        }

        void lost(String reason) {
            state = EngineState.POSITION_LOST;
            lastError = reason;
        }

        /** A view of this shard is not exact until its copy and repair are done: health says so meanwhile. */
        void recovering(String what) {
            recovery = what;
        }

        void recovered() {
            recovery = null;
        }

        /** {@code chunks} below 0: unknown (a failure). */
        void backfill(String view, CopyStatus status, long rows, long chunks) {
            backfills.put(view, status + " " + rows + " rows" + (chunks >= 0 ? ", " + chunks + " chunks" : ""));
        }

        void backfill(String view, io.sideview.ingest.db.CopyRow copy) {
            backfill(view, copy.status(), copy.rowsCopied(), copy.chunksDone());
        }

        void received(int n) {
            received.addAndGet(n);
        }

        void applied(List<RowChange> changes, int deadLetters, Long sourceMillis) {
            applied.addAndGet(changes.size());
            dead.addAndGet(deadLetters);
            if (!changes.isEmpty()) {
                position = changes.get(changes.size() - 1).position().toString();
            }
            if (sourceMillis != null) {
                // Commit on the shard to applied here; binlog timestamps have 1 s resolution.
                lastLagMs = Math.max(0, System.currentTimeMillis() - sourceMillis);
            }
            // Applying again: the error that made the engine retry is over.
            lastError = null;
            updateRate(System.nanoTime());
        }

        /** Events/s over the last second or more; a shard with nothing to apply decays to 0 instead of freezing. */
        private synchronized void updateRate(long now) {
            if (now - rateNanosMark > 1_000_000_000L) {
                long total = applied.get();
                rate = (total - rateAppliedMark) / ((now - rateNanosMark) / 1e9);
                rateAppliedMark = total;
                rateNanosMark = now;
            }
        }

        ShardStatus snapshot(String group, String shard, List<String> tables, ShardPause pause) {
            updateRate(System.nanoTime());
            Long lag = lastLagMs;
            return new ShardStatus(group, shard, state, tables.stream().map(t -> t.replace("\\.", ".")).toList(), position,
                    lag, received.get() - applied.get(), rate, applied.get(), dead.get(), lastError, recovery, java.util.Map.copyOf(backfills),
                    pause);
        }
    }
}
