package io.sideview.ingest;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import io.dropwizard.lifecycle.Managed;
import io.sideview.edge.ViewLayout;
import io.sideview.errors.Refused;
import io.sideview.ingest.api.CopyProgress;
import io.sideview.ingest.api.IngestStatus;
import io.sideview.ingest.api.WalConsumerStatus;
import io.sideview.ingest.db.BackfillDao;
import io.sideview.ingest.db.DeadLetterDao;
import io.sideview.jobs.JobTracker;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.api.ViewDescriptor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Owns one {@link ShardEngine} per configured shard. Which tables each engine captures follows the
 * registry: creating, changing or deactivating a bound view reconfigures the engines of its group.
 * Each shard has a health check ({@code cdc-<group>-<shard>}) and gauges under {@code ingest.<group>.<shard>}.
 */
public class IngestService implements Managed {
    private final Map<String, SourceGroupConfig> sources;
    private final ViewRegistry registry;
    private final int saltBuckets;
    private final DeadLetterDao deadLetters;
    private final BackfillDao backfills;
    private final String walMode;
    private volatile java.util.function.Supplier<WalConsumerStatus> walConsumer = () -> null;
    /** wal: kafka: the WAL offsets acknowledged so far, and whether the consumer has applied up to given ones. */
    private volatile java.util.function.Supplier<Map<Integer, Long>> walPublished = Map::of;
    private volatile java.util.function.Predicate<Map<Integer, Long>> walApplied = m -> true;
    private final List<ShardEngine> engines = new ArrayList<>();
    /** wal: kafka: decides which shards run here (null: all of them). */
    private Managed owner;
    private volatile List<ViewDescriptor> views = List.of();

    public IngestService(Map<String, SourceGroupConfig> sources, ViewRegistry registry, int saltBuckets, Path stateDir,
                         ChangeSink sink, DeadLetterDao deadLetters, EngineStores stores, JobTracker jobs,
                         WalConfig wal) {
        this.sources = sources;
        this.registry = registry;
        this.saltBuckets = saltBuckets;
        this.deadLetters = deadLetters;
        this.backfills = stores.copies();
        this.walMode = wal.mode();
        sources.forEach((group, cfg) -> cfg.shards().forEach(shard ->
                engines.add(new ShardEngine(group, cfg, shard, stateDir, () -> targets(group), sink, stores, jobs,
                        props -> engineStorage(wal, group, shard, props)))));
        registry.onChange(name -> refresh());
    }

    /** wal: kafka keeps engine offsets and schema history in Kafka topics; otherwise files under the data dir. */
    private static void engineStorage(WalConfig wal, String group, ShardConfig shard, java.util.Properties p) {
        if (!wal.isKafka()) {
            return;
        }
        KafkaConfig k = wal.kafka();
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        p.setProperty("bootstrap.servers", k.bootstrapServers());
        p.setProperty("offset.storage.topic", k.offsetsTopic());
        p.setProperty("offset.storage.partitions", "1");
        p.setProperty("offset.storage.replication.factor", String.valueOf(k.replicationFactor()));
        p.setProperty("schema.history.internal", "io.debezium.storage.kafka.history.KafkaSchemaHistory");
        p.setProperty("schema.history.internal.kafka.bootstrap.servers", k.bootstrapServers());
        p.setProperty("schema.history.internal.kafka.topic", k.offsetsTopic() + "-history-" + group + "-" + shard.name());
    }

    /**
     * A health check per shard ({@code cdc-<group>-<shard>}, see {@link ShardHealthCheck}; {@code maxLagMs}
     * 0: no lag rule) and the gauges: per shard under {@code ingest.<group>.<shard>}, and the dead letters
     * waiting for a retry ({@code ingest.deadLetters.pending}, a count query, so cached for 5 s).
     */
    public void registerHealthAndMetrics(HealthCheckRegistry health, MetricRegistry metrics, long maxLagMs) {
        for (ShardEngine e : engines) {
            String[] gs = e.name().split("/");
            health.register("cdc-" + gs[0] + "-" + gs[1], new ShardHealthCheck(e, maxLagMs, System::nanoTime));
            String prefix = MetricRegistry.name("ingest", gs[0], gs[1]);
            metrics.register(prefix + ".applied", (Gauge<Long>) () -> e.status().eventsApplied());
            metrics.register(prefix + ".eventsPerSecond", (Gauge<Double>) () -> e.status().eventsPerSecond());
            metrics.register(prefix + ".lagMs", (Gauge<Long>) () -> e.status().lagMs());
            metrics.register(prefix + ".lagEvents", (Gauge<Long>) () -> e.status().lagEvents());
            metrics.register(prefix + ".deadLetters", (Gauge<Long>) () -> e.status().deadLetters());
        }
        metrics.register("ingest.deadLetters.pending", new CachedGauge<Long>(5, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                try {
                    return deadLetters.pending();
                } catch (RuntimeException e) {
                    // The metadata DB is away (its health check says so): no value, rather than failing a whole scrape.
                    return null;
                }
            }
        });
    }

    /**
     * wal: kafka: which shards run here is decided by {@code owner} (cluster.ShardOwnership), which
     * calls {@link #own} and {@link #release}; started after the views are read, stopped before the engines.
     */
    public void ownership(Managed owner) {
        this.owner = owner;
    }

    /** Every shard of the configuration, as {@code group/shard}. */
    public List<String> shardNames() {
        return engines.stream().map(ShardEngine::name).toList();
    }

    /** Starts the engine of {@code shard} (group/shard) on this node. */
    public void own(String shard) {
        engine(shard).start();
    }

    /** Stops the engine of {@code shard} here (another node runs it now), waiting until it stopped. */
    public void release(String shard) {
        ShardEngine e = engine(shard);
        try {
            e.stop();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        e.elsewhere();
    }

    private ShardEngine engine(String shard) {
        return engines.stream().filter(e -> e.name().equals(shard)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no shard " + shard + " in this configuration"));
    }

    @Override
    public void start() throws Exception {
        refresh();
        if (owner == null) {
            engines.forEach(ShardEngine::start);
        } else {
            engines.forEach(ShardEngine::elsewhere);
            owner.start();
        }
    }

    @Override
    public void stop() throws Exception {
        if (owner != null) {
            owner.stop();
        }
        for (ShardEngine e : engines) {
            e.stop();
        }
    }

    public IngestStatus status() {
        long pending = deadLetters.pending();
        return new IngestStatus(walMode, engines.stream().map(ShardEngine::status).toList(), pending, walConsumer.get());
    }

    /**
     * Every history copy recorded, by view generation and shard (views deleted since and generations
     * replaced by a replay are left out).
     */
    public List<CopyProgress> copies() {
        Map<Long, ViewDescriptor> views = new java.util.HashMap<>();
        registry.list().forEach(v -> {
            views.put(v.storageId(), v);
            if (v.pendingStorageId() != null) {
                views.put(v.pendingStorageId(), v);
            }
        });
        return backfills.list().stream().filter(c -> views.containsKey(c.viewId()))
                .map(c -> new CopyProgress(views.get(c.viewId()).name(), views.get(c.viewId()).id(), c.viewId(), c.shard(), c.status(), c.chunksDone(),
                        c.rowsCopied(), c.estimate(), c.position(), c.error(), Instant.ofEpochMilli(c.startedAt()),
                        Instant.ofEpochMilli(c.updatedAt())))
                .toList();
    }

    /**
     * Lets the cancelled history copies of a view run again: each resumes after its last chunk done.
     * Refused when the view has none.
     */
    public List<CopyProgress> resumeCopies(String view) {
        ViewDescriptor v = registry.get(view);
        long now = System.currentTimeMillis();
        int resumed = backfills.allowResume(v.storageId(), now)
                + (v.pendingStorageId() == null ? 0 : backfills.allowResume(v.pendingStorageId(), now));
        if (resumed == 0) {
            throw Refused.conflict("view", "view '" + view + "' has no cancelled history copy to resume");
        }
        engines.forEach(ShardEngine::reconfigure);
        return copies().stream().filter(c -> c.viewId() == v.id()).toList();
    }

    /** The operator's go-ahead for a shard that lost its stream position (onLostPosition: WAIT). */
    public void recover(String group, String shard) {
        engines.stream().filter(e -> e.name().equals(group + "/" + shard)).findFirst()
                .orElseThrow(() -> Refused.notFound("no shard " + shard + " in source group " + group))
                .recover();
    }

    /** wal: kafka: where the status and the gauges read the applying half from. */
    public void walConsumer(java.util.function.Supplier<WalConsumerStatus> status, MetricRegistry metrics) {
        this.walConsumer = status;
        metrics.register("ingest.wal.applied", (Gauge<Long>) () -> status.get().applied());
        metrics.register("ingest.wal.lagRecords", (Gauge<Long>) () -> status.get().lagRecords());
        metrics.register("ingest.wal.lagMs", (Gauge<Long>) () -> status.get().lagMs());
        metrics.register("ingest.wal.fencedRefusals", (Gauge<Long>) () -> status.get().fencedRefusals());
    }

    /** wal: kafka: how {@link #awaitApplied} tells that the consumer applied what the engines published. */
    public void walMarks(java.util.function.Supplier<Map<Integer, Long>> published,
                         java.util.function.Predicate<Map<Integer, Long>> applied) {
        this.walPublished = published;
        this.walApplied = applied;
    }

    /**
     * A check that turns true once everything published to the WAL before this call is applied (at
     * once with wal none, where what an engine or a copy accepted is applied already).
     */
    public java.util.function.BooleanSupplier walMark() {
        Map<Integer, Long> published = walPublished.get();
        return () -> walApplied.test(published);
    }

    /**
     * Waits until the view has applied every change of {@code shard} (of {@code group}) before binlog
     * position {@code p}: the shard's engine accepted it (wal none: applied and synced), and with wal
     * kafka the consumer also applied what was published by then. False when not within {@code timeoutMs}.
     */
    public boolean awaitApplied(String group, String shard, BinlogPosition p, long timeoutMs) throws InterruptedException {
        ShardEngine engine = engines.stream().filter(e -> e.name().equals(group + "/" + shard)).findFirst().orElse(null);
        if (engine == null) {
            return false;
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            BinlogPosition at = engine.appliedThrough();
            if (at != null && at.atOrAfter(p)) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        Map<Integer, Long> published = walPublished.get();
        while (!walApplied.test(published)) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private void refresh() {
        views = registry.list();
        engines.forEach(ShardEngine::reconfigure);
    }

    private List<CaptureTarget> targets(String group) {
        List<CaptureTarget> out = new ArrayList<>();
        for (ViewDescriptor v : views) {
            var b = v.definition().binding();
            // Deactivated views keep being captured: a view that stopped following its table would miss
            // deletes and could never be exact again without a rebuild. Only deletion stops capture.
            if (b != null && b.sourceGroup().equals(group)) {
                out.add(new CaptureTarget(v.name(), b.database(), b.table(), new ViewLayout(v.storageId(), v.definition(), saltBuckets)));
                if (v.pendingStorageId() != null) {
                    // A replay's generation: streamed from now on like the queried one, and copied from the shards.
                    out.add(new CaptureTarget(v.name(), b.database(), b.table(),
                            new ViewLayout(v.pendingStorageId(), v.definition(), saltBuckets)));
                }
            }
        }
        return out;
    }
}
