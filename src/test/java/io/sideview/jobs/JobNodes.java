package io.sideview.jobs;

import io.dropwizard.db.ManagedDataSource;
import io.sideview.Examples;
import io.sideview.MetadataDatabases;
import io.sideview.edge.EdgeWriter;
import io.sideview.edge.MemoryKvStore;
import io.sideview.edge.ViewCatalog;
import io.sideview.jobs.db.JobDao;
import io.sideview.jobs.db.JobRow;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.ViewValidator;
import io.sideview.registry.db.ViewDao;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * Job services on one H2 metadata DB and one store in memory, standing for the nodes of a cluster in
 * tests of what survives a node (leases, take-overs, resumed jobs). Close it to stop every node.
 */
public final class JobNodes implements AutoCloseable {
    /** Lease checks and renewals this often: take-overs happen within a test's patience. */
    public static final Duration TICK = Duration.ofMillis(50);

    public final ManagedDataSource dataSource;
    public final Jdbi jdbi;
    public final JobDao dao;
    public final ViewRegistry registry;
    public final ViewCatalog catalog;
    public final MemoryKvStore store = new MemoryKvStore();
    public final EdgeWriter writer;
    private final List<JobService> nodes = new ArrayList<>();

    /** {@code sourceGroups}: the groups the registry's validator knows (a captured view needs its group). */
    public JobNodes(String name, int lanes, Set<String> sourceGroups) throws Exception {
        dataSource = MetadataDatabases.H2.migrated(name);
        jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
        dao = jdbi.onDemand(JobDao.class);
        registry = new ViewRegistry(jdbi.onDemand(ViewDao.class), new ViewValidator(sourceGroups), Examples.MAPPER, Clock.systemUTC());
        catalog = new ViewCatalog(registry, 0);
        writer = new EdgeWriter(store, lanes, catalog::latest);
        writer.start();
    }

    /** Nodes whose registry holds the {@code friends} view of docs/examples/friends-view.json (source group {@code friends}). */
    public static JobNodes withFriendsView(String name, int lanes) throws Exception {
        JobNodes nodes = new JobNodes(name, lanes, Set.of("friends"));
        nodes.registry.create(new io.sideview.registry.DefinitionParser(Examples.MAPPER, 65_536)
                .parse(Examples.text("friends-view.json")));
        return nodes;
    }

    /** A started node named {@code name} (its lease owner), after {@code handlers} registered its job work. */
    public JobService node(String name, Consumer<JobService> handlers) {
        JobService jobs = new JobService(dao, registry, catalog, store, writer, Examples.MAPPER, Clock.systemUTC(),
                JobService.RETRY_DELAY, new JobService.Leases(name, Duration.ofSeconds(15), TICK));
        handlers.accept(jobs);
        nodes.add(jobs);
        jobs.start();
        return jobs;
    }

    /** Stops a node as a dead one would be gone: what it does from now on is its own business. */
    public void stop(JobService node) throws InterruptedException {
        nodes.remove(node);
        node.stop();
    }

    public JobRow row(long id) {
        return dao.find(id).orElseThrow();
    }

    @Override
    public void close() throws Exception {
        for (JobService n : nodes) {
            n.stop();
        }
        writer.stop();
        dataSource.stop();
    }
}
