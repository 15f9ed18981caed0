package io.sideview;

import com.codahale.metrics.Gauge;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.assets.AssetsBundle;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import com.codahale.metrics.health.HealthCheckRegistry;
import io.dropwizard.health.DefaultHealthFactory;
import io.dropwizard.health.HealthEnvironment;
import io.dropwizard.health.HealthFactory;
import io.dropwizard.health.HealthStateAggregator;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.jdbi3.bundles.JdbiExceptionsBundle;
import io.dropwizard.lifecycle.ServerLifecycleListener;
import io.dropwizard.migrations.MigrationsBundle;
import io.sideview.api.JsonProblemMapper;
import io.sideview.api.OpenApiResource;
import io.sideview.api.PingResource;
import io.sideview.api.ProblemErrorHandler;
import io.sideview.api.ProblemExceptionMapper;
import io.sideview.api.RefusedMapper;
import io.sideview.api.UnexpectedErrorMapper;
import io.sideview.api.ViolationProblemMapper;
import io.sideview.api.WebApplicationProblemMapper;
import io.sideview.auth.AuthWiring;
import io.sideview.auth.MeResource;
import io.sideview.auth.ReadAccess;
import io.sideview.auth.WebSecurity;
import io.sideview.cluster.ClusterConfig;
import io.sideview.cluster.ClusterNodes;
import io.sideview.cluster.ClusterView;
import io.sideview.cluster.Holdings;
import io.sideview.cluster.OrphanedShardsHealthCheck;
import io.sideview.cluster.resources.ClusterResource;
import io.sideview.cluster.HeartbeatHealthCheck;
import io.sideview.cluster.NodeAddress;
import io.sideview.cluster.NodeIdentity;
import io.sideview.cluster.ShardOwnership;
import io.sideview.cluster.db.ClusterNodeDao;
import io.sideview.cluster.db.ClusterSecretDao;
import io.sideview.cluster.db.CounterDao;
import io.sideview.ops.MigrationGuard;
import io.sideview.ops.OpsConfig;
import io.sideview.ops.PrometheusMetrics;
import io.sideview.ops.health.Draining;
import io.sideview.ops.health.HealthPlan;
import io.sideview.ops.health.ScheduledChecks;
import io.sideview.ops.tasks.DrainTask;
import io.sideview.ops.tasks.UndrainTask;
import io.sideview.ops.ViewStatsResource;
import io.sideview.registry.DefinitionParser;
import io.sideview.registry.RegistryPoller;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.health.RegistryHealthCheck;
import io.sideview.registry.ViewValidator;
import io.sideview.registry.db.ViewDao;
import io.sideview.registry.resources.ViewResource;
import io.sideview.registry.tasks.ViewCreateTask;
import io.sideview.registry.tasks.ViewDeactivateTask;
import io.sideview.registry.tasks.ViewListTask;
import io.sideview.edge.ApplyGate;
import io.sideview.edge.ApplyPipeline;
import io.sideview.edge.EdgeReader;
import io.sideview.edge.EdgeWriter;
import io.sideview.edge.DirectWriter;
import io.sideview.edge.IntakeLog;
import io.sideview.edge.KeptReads;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.resources.MutationResource;
import io.sideview.ingest.ChangeApplier;
import io.sideview.ingest.ChangeSink;
import io.sideview.ingest.DeadLetters;
import io.sideview.ingest.EngineStores;
import io.sideview.ingest.GatedSink;
import io.sideview.ingest.KafkaHealthCheck;
import io.sideview.ingest.Replays;
import io.sideview.ingest.RowChangeMapper;
import io.sideview.ingest.ShardConfig;
import io.sideview.ingest.SourceGroupConfig;
import io.sideview.ingest.SourceVerify;
import io.sideview.ingest.WalConfig;
import io.sideview.ingest.WalConsumer;
import io.sideview.ingest.WalDirectWriter;
import io.sideview.ingest.WalPublisher;
import io.sideview.ingest.IngestService;
import io.sideview.ingest.db.BackfillDao;
import io.sideview.ingest.db.ShardStreamDao;
import io.sideview.ingest.db.DeadLetterDao;
import io.sideview.jobs.JobService;
import io.sideview.jobs.JobType;
import io.sideview.jobs.db.JobDao;
import io.sideview.jobs.resources.JobResource;
import io.sideview.jobs.tasks.ViewJobTask;
import io.sideview.jobs.tasks.ViewSourceVerifyTask;
import io.sideview.ingest.resources.IngestResource;
import io.sideview.ingest.tasks.ShardPauseTask;
import io.sideview.ingest.tasks.ShardRestartTask;
import io.sideview.ingest.tasks.ShardResumeTask;
import io.sideview.query.CursorCodec;
import io.sideview.query.CursorSecrets;
import io.sideview.query.QueryFilter;
import io.sideview.query.QueryService;
import io.sideview.storage.CoalescingKvStore;
import io.sideview.storage.KvStore;
import io.sideview.storage.ManagedStore;
import io.sideview.storage.StorageConfig;
import io.sideview.storage.StorageHealthCheck;
import jakarta.servlet.DispatcherType;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.time.Clock;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.jdbi.v3.core.Jdbi;

/** The one wiring place: every object is created here with {@code new}, in dependency order. */
public class SideviewApplication extends Application<SideviewConfiguration> {

    public static void main(String[] args) throws Exception {
        new SideviewApplication().run(args);
    }

    @Override
    public String getName() {
        return "sideview";
    }

    @Override
    public void initialize(Bootstrap<SideviewConfiguration> bootstrap) {
        // Strict: a ${VAR} without a default that is not set fails start-up instead of becoming "".
        // Substitution inside defaults makes ${SIDEVIEW_DB_URL:-jdbc:h2:file:${SIDEVIEW_DATA:-./data}/metadata} work.
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(true, true)));
        bootstrap.getObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        bootstrap.addBundle(new MigrationsBundle<>() {
            @Override
            public DataSourceFactory getDataSourceFactory(SideviewConfiguration configuration) {
                return configuration.getDatabase();
            }

            @Override
            public String getMigrationsFileName() {
                return MigrationGuard.CHANGELOG;
            }
        });
        bootstrap.addBundle(new JdbiExceptionsBundle());
        // The UI owns "/", so Jersey moves under /api (set in run()).
        bootstrap.addBundle(new AssetsBundle("/assets/", "/", "index.html", "ui"));
    }

    @Override
    public void run(SideviewConfiguration config, Environment environment) throws Exception {
        if (config.getServerFactory() instanceof AbstractServerFactory server) {
            server.setJerseyRootPath("/api/*");
            // Our mappers answer every error as problem+json; Dropwizard's defaults would answer some as plain JSON.
            server.setRegisterDefaultExceptionMappers(false);
        }
        MigrationGuard.run(config.getDatabase(), environment.metrics(), config.getRegistry().migrateOnStartup());
        registerErrorMappers(environment);
        // Requests Jetty refuses before any filter or resource (e.g. a URI with an empty segment) get
        // problem+json too, not Jetty's HTML page.
        ProblemErrorHandler jettyErrors = new ProblemErrorHandler(environment.getObjectMapper());
        environment.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                if (event instanceof Server server) {
                    server.setErrorHandler(jettyErrors);
                }
            }
        });
        WebSecurity.register(config, environment);
        AuthWiring.register(config.getAuth(), environment.jersey());
        environment.jersey().register(new OpenApiResource());
        environment.jersey().register(new PingResource());
        environment.jersey().register(new MeResource());
        Jdbi jdbi = new JdbiFactory().build(environment, config.getDatabase(), "metadata-db");
        ClusterNodes nodes = wireCluster(config, environment, jdbi);
        NodeIdentity self = nodes.self();
        // Pauses everything that feeds the apply lanes while the registry cannot be read.
        ApplyGate gate = new ApplyGate();
        ViewRegistry registry = wireRegistry(config, environment, jdbi, gate);
        Edges edges = wireEdges(config, environment, registry, jdbi, gate, self);
        wireIngest(config, environment, registry, edges, jdbi, nodes);
        wireOps(config, environment);
    }

    /**
     * Liveness and readiness at admin {@code /health-check?type=alive|ready} (last: the plan covers every
     * check registered before it), the drain switch and its tasks, and Prometheus at admin
     * {@code /metrics/prometheus}.
     */
    private void wireOps(SideviewConfiguration config, Environment environment) {
        OpsConfig ops = config.getOps();
        Draining draining = new Draining(Clock.systemUTC());
        environment.healthChecks().register(Draining.NAME, draining);
        HealthFactory health = config.health();
        boolean enabled = !(health instanceof DefaultHealthFactory d) || d.isEnabled();
        if (health instanceof DefaultHealthFactory factory) {
            factory.setHealthCheckConfigurations(HealthPlan.complete(factory.getHealthCheckConfigurations(),
                    environment.healthChecks().getNames(), ops.checkInterval()));
        }
        // The admin port, not the application port Dropwizard would pick (SideviewConfiguration.getHealthFactory).
        // Dropwizard schedules a check as soon as it is registered, so a check run at wiring time would meet
        // a store not yet started and answer "not ready" for a whole interval after the service is up. The
        // probes get their own registry, filled once everything else managed has started (ScheduledChecks;
        // /healthcheck keeps reading the environment's registry).
        HealthEnvironment probes = new HealthEnvironment(new HealthCheckRegistry());
        // Managed before configure: the health manager configure adds checks on start that every planned check is registered.
        environment.lifecycle().manage(new ScheduledChecks(environment.healthChecks(), probes.healthChecks()));
        health.configure(environment.lifecycle(), environment.admin(), environment.jersey(), probes,
                environment.getObjectMapper(), getName());
        HealthStateAggregator readiness = enabled ? probes.healthStateAggregator() : null;
        long wait = 3 * ops.checkInterval().toMilliseconds() + 1000;
        environment.admin().addTask(new DrainTask(draining, readiness, wait));
        environment.admin().addTask(new UndrainTask(draining, readiness, wait));
        environment.admin().addServlet("prometheus", PrometheusMetrics.servlet(environment.metrics()))
                .addMapping(PrometheusMetrics.PATH);
    }

    /**
     * This node's row in cluster_nodes. Managed before anything else that starts (storage, engines, jobs),
     * so a start the registry refuses stops before this node touches shared work.
     */
    private static ClusterNodes wireCluster(SideviewConfiguration config, Environment environment, Jdbi jdbi) {
        ClusterConfig cluster = config.getCluster();
        NodeIdentity self = new NodeIdentity(cluster.buildNodeName(NodeAddress.applicationPort(config.getServerFactory())),
                UUID.randomUUID().toString(), config.getStorage().type(), config.getWal().mode());
        ClusterNodes nodes = new ClusterNodes(jdbi.onDemand(ClusterNodeDao.class), self, cluster, "", Clock.systemUTC());
        environment.lifecycle().manage(nodes);
        environment.lifecycle().addServerLifecycleListener(new ServerLifecycleListener() {
            @Override
            public void serverStarted(Server server) {
                nodes.address(NodeAddress.of(config.getServerFactory(), getLocalPort(server)));
            }
        });
        environment.healthChecks().register(HeartbeatHealthCheck.NAME, new HeartbeatHealthCheck(nodes, Clock.systemUTC()));
        return nodes;
    }

    /** What the edge engine hands to ingestion. */
    private record Edges(EdgeWriter writer, ViewCatalog catalog, JobService jobs, KvStore store, IntakeLog intake, DirectWriter direct,
                         ApplyPipeline pipeline) {}

    private static void wireIngest(SideviewConfiguration config, Environment environment, ViewRegistry registry,
                                   Edges edges, Jdbi jdbi, ClusterNodes nodes) {
        DeadLetterDao deadLetters = jdbi.onDemand(DeadLetterDao.class);
        DeadLetters dead = new DeadLetters(deadLetters, environment.getObjectMapper(), Clock.systemUTC(), edges.catalog(),
                edges.direct());
        RowChangeMapper rows = new RowChangeMapper(dead);
        ChangeApplier applier = new ChangeApplier(edges.intake(), rows);
        WalConfig wal = config.getWal();
        ChangeSink sink = new GatedSink(edges.pipeline().gate(), applier);
        WalConsumer consumer = null;
        WalPublisher publisher = null;
        if (wal.isKafka()) {
            publisher = new WalPublisher(wal.kafka(), rows);
            // Fencing matters where several nodes write one store: HBase (RocksDB is refused a second node).
            CounterDao counters = jdbi.onDemand(CounterDao.class);
            boolean fencing = wal.kafka().fencing() && "hbase".equals(config.getStorage().type());
            consumer = new WalConsumer(wal.kafka(), edges.catalog(), edges.writer(), dead, edges.pipeline().gate(),
                    fencing ? () -> counters.next(CounterDao.WAL_OWNER_EPOCH) : null);
            edges.pipeline().walPublisher(publisher).walConsumer(consumer);
            environment.healthChecks().register("wal-kafka", new KafkaHealthCheck(wal.kafka()));
            sink = new GatedSink(edges.pipeline().gate(), publisher);
        }
        BackfillDao copies = jdbi.onDemand(BackfillDao.class);
        IngestService ingest = new IngestService(config.getSources(), registry, config.getStorage().saltBuckets(),
                Path.of(config.getStorage().dataDir(), "ingest"), sink, deadLetters,
                // A view copied again after a lost stream position is repaired against the source (REPAIR).
                new EngineStores(copies, jdbi.onDemand(ShardStreamDao.class),
                        view -> edges.jobs().submit(JobType.REPAIR, view)),
                edges.jobs().tracker(), wal);
        ingest.registerHealthAndMetrics(environment.healthChecks(), environment.metrics(),
                config.getOps().maxShardLag().toMilliseconds());
        ShardOwnership ownership = null;
        if (consumer != null) {
            ingest.walConsumer(consumer::status, environment.metrics());
            ingest.walMarks(publisher::published, consumer::appliedThrough);
            // Several nodes share the shards: Kafka's group coordinator gives each shard's engine to one.
            ownership = new ShardOwnership(wal.kafka(), ingest.shardNames(), new ShardOwnership.Host() {
                @Override
                public void own(String shard) {
                    ingest.own(shard);
                }

                @Override
                public void release(String shard) {
                    ingest.release(shard);
                }
            });
            ingest.ownership(ownership);
        }
        SourceVerify sourceVerify = new SourceVerify(edges.catalog(), edges.store(), edges.writer(), edges.intake(),
                config.getSources(), ingest::awaitApplied, environment.getObjectMapper());
        edges.jobs().handle(JobType.SOURCE_VERIFY, sourceVerify);
        edges.jobs().handle(JobType.REPAIR, sourceVerify);
        Replays replays = new Replays(registry, copies, edges.jobs().tracker(), edges.jobs(), shardsByGroup(config.getSources()),
                ingest::walMark, leader(ownership), Clock.systemUTC());
        edges.jobs().handle(JobType.REPLAY, replays::start);
        environment.lifecycle().manage(replays);
        environment.admin().addTask(new ViewSourceVerifyTask(edges.jobs()));
        ViewJobTask.all(edges.jobs()).forEach(environment.admin()::addTask);
        environment.admin().addTask(new ShardPauseTask(ingest));
        environment.admin().addTask(new io.sideview.ingest.tasks.ViewBackfillTask(ingest));
        environment.admin().addTask(new ShardResumeTask(ingest));
        environment.admin().addTask(new ShardRestartTask(ingest));
        edges.pipeline().engines(ingest);
        environment.jersey().register(new ViewStatsResource(edges.catalog(), edges.store(), ingest, Clock.systemUTC()));
        environment.jersey().register(new IngestResource(ingest, deadLetters, dead, environment.getObjectMapper()));
        wireClusterView(config, environment, jdbi, nodes, ingest, ownership, consumer);
    }

    /**
     * What this node runs goes into its heartbeat row, so any node can show the cluster: with wal: kafka
     * the shards Kafka gave it and its WAL partitions; without Kafka every shard runs here.
     */
    private static void wireClusterView(SideviewConfiguration config, Environment environment, Jdbi jdbi,
                                        ClusterNodes nodes, IngestService ingest, ShardOwnership ownership,
                                        WalConsumer consumer) {
        List<String> shards = ingest.shardNames();
        nodes.holdings(ownership == null ? () -> Holdings.of(shards, List.of())
                : () -> Holdings.of(ownership.owned(), consumer.partitions()));
        ClusterView view = new ClusterView(jdbi.onDemand(ClusterNodeDao.class), nodes, shards,
                consumer == null ? null : consumer::status, Clock.systemUTC());
        environment.jersey().register(new ClusterResource(view));
        if (ownership != null) {
            long grace = OrphanedShardsHealthCheck.grace(config.getWal().kafka().sessionTimeout().toMilliseconds(),
                    nodes.nodeTimeoutMs());
            environment.healthChecks().register(OrphanedShardsHealthCheck.NAME,
                    new OrphanedShardsHealthCheck(view::status, Clock.systemUTC(), grace));
        }
    }

    /** The node that follows cluster-wide work (replays): the one Kafka gave the first shard; the only node without Kafka. */
    private static java.util.function.BooleanSupplier leader(ShardOwnership ownership) {
        if (ownership == null) {
            return () -> true;
        }
        String first = ownership.partitions().keySet().stream().findFirst().orElse("");
        return () -> ownership.owned().contains(first);
    }

    private static Map<String, List<String>> shardsByGroup(Map<String, SourceGroupConfig> sources) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        sources.forEach((group, cfg) -> out.put(group, cfg.shards().stream().map(ShardConfig::name).toList()));
        return out;
    }

    private static Edges wireEdges(SideviewConfiguration config, Environment environment, ViewRegistry registry, Jdbi jdbi,
                                   ApplyGate gate, NodeIdentity self) {
        StorageConfig storage = config.getStorage();
        ManagedStore store = new ManagedStore(storage);
        environment.healthChecks().register("storage", new StorageHealthCheck(store, storage.type()));
        ViewCatalog catalog = new ViewCatalog(registry, storage.saltBuckets());
        EdgeWriter writer = new EdgeWriter(store, storage.applyLanes(), catalog::latest, storage.countCacheRows(),
                storage.stateCacheRows());
        IntakeLog intake = new IntakeLog(store, writer, catalog);
        // The one lifecycle of the write path: its start and stop order are ApplyPipeline's code.
        ApplyPipeline pipeline = new ApplyPipeline(store, writer, intake, gate);
        environment.lifecycle().manage(pipeline);
        KeptReads reads = writer.keptReads();
        environment.metrics().register("edge.apply.countRows.kept", (Gauge<Long>) reads.countsKept()::sum);
        environment.metrics().register("edge.apply.countRows.read", (Gauge<Long>) reads.countsRead()::sum);
        environment.metrics().register("edge.apply.stateRows.kept", (Gauge<Long>) reads.statesKept()::sum);
        environment.metrics().register("edge.apply.stateRows.read", (Gauge<Long>) reads.statesRead()::sum);
        environment.metrics().register("edge.apply.batches", writer.batchTimer());
        // Jobs are leased under this node's name (cluster.nodeName): stable across restarts, so a restarted
        // node takes its own jobs back at once, and never shared by two live nodes (ClusterNodes refuses that).
        JobService jobs = new JobService(jdbi.onDemand(JobDao.class), registry, catalog, store, writer,
                environment.getObjectMapper(), Clock.systemUTC(), JobService.RETRY_DELAY,
                JobService.Leases.of(self.name()));
        jobs.gate(gate);
        pipeline.jobs(jobs);
        jobs.registerMetrics(environment.metrics());
        environment.jersey().register(new JobResource(jobs, environment.getObjectMapper()));
        if (store.queryReads() instanceof CoalescingKvStore shared) {
            environment.metrics().register("storage.queryReads.asked", (Gauge<Long>) shared::asked);
            environment.metrics().register("storage.queryReads.sent", (Gauge<Long>) shared::sent);
        }
        CursorCodec cursors = new CursorCodec(CursorSecrets.resolve(config.getQuery(), Path.of(storage.dataDir()),
                jdbi.onDemand(ClusterSecretDao.class)));
        QueryService queries = new QueryService(catalog,
                new EdgeReader(store.queryReads(), config.getQuery().adjacencyCacheMb() * 1024L * 1024L), cursors, jobs.indexReadiness());
        // The read shapes are served by a filter in front of Jersey (why: QueryFilter's comment).
        environment.servlets().addFilter("query", new QueryFilter(queries, new ReadAccess(config.getAuth()),
                        environment.getObjectMapper(), environment.metrics()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, QueryFilter.MAPPING);
        DirectWriter direct = DirectWriter.applyingHere(intake, writer, MutationResource.APPLY_TIMEOUT_MS);
        if (config.getWal().isKafka()) {
            // Through the WAL to each node side's owner, whichever node takes the write (design §10).
            WalDirectWriter throughWal = new WalDirectWriter(config.getWal().kafka(), self.name());
            environment.lifecycle().manage(throughWal); // after the pipeline, whose publisher makes the topic
            direct = throughWal;
        }
        environment.jersey().register(new MutationResource(catalog, direct, environment.getObjectMapper(), gate));
        return new Edges(writer, catalog, jobs, store, intake, direct, pipeline);
    }

    private static void registerErrorMappers(Environment environment) {
        environment.jersey().register(new ProblemExceptionMapper());
        environment.jersey().register(new RefusedMapper());
        environment.jersey().register(new WebApplicationProblemMapper());
        environment.jersey().register(new JsonProblemMapper());
        environment.jersey().register(new ViolationProblemMapper());
        environment.jersey().register(new UnexpectedErrorMapper());
    }

    private static ViewRegistry wireRegistry(SideviewConfiguration config, Environment environment, Jdbi jdbi,
                                             ApplyGate gate) {
        ViewValidator validator = new ViewValidator(config.getSources().keySet());
        ViewDao views = jdbi.onDemand(ViewDao.class);
        ViewRegistry registry = new ViewRegistry(views, validator, environment.getObjectMapper(), Clock.systemUTC());
        // Managed before the write path, so its starting point is read before anything loads views.
        RegistryPoller poller = new RegistryPoller(new RegistryPoller.Source(views::changeSeq, views::list),
                registry::announce, new RegistryPoller.Pause(gate::pause, gate::resume), System::currentTimeMillis,
                config.getRegistry());
        environment.lifecycle().manage(poller);
        environment.healthChecks().register(RegistryHealthCheck.NAME, new RegistryHealthCheck(poller));
        DefinitionParser parser = new DefinitionParser(environment.getObjectMapper(),
                config.getRegistry().maxDefinitionBytes());
        environment.jersey().register(new ViewResource(registry, parser));
        environment.admin().addTask(new ViewCreateTask(registry, parser));
        environment.admin().addTask(new ViewListTask(registry));
        environment.admin().addTask(new ViewDeactivateTask(registry));
        return registry;
    }
}
