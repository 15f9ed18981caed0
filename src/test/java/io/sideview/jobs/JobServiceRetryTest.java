package io.sideview.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.db.ManagedDataSource;
import io.sideview.Examples;
import io.sideview.MetadataDatabases;
import io.sideview.edge.EdgeWriter;
import io.sideview.edge.MemoryKvStore;
import io.sideview.edge.Mutation;
import io.sideview.edge.MutationType;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.jobs.api.Job;
import io.sideview.jobs.db.JobDao;
import io.sideview.registry.DefinitionParser;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.ViewValidator;
import io.sideview.registry.db.ViewDao;
import io.sideview.storage.KeyRange;
import io.sideview.storage.KeyValue;
import io.sideview.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An index build that fails on a storage error runs again by itself (no restart), and its index
 * becomes usable once a run succeeds. The storage fails the build's first walks on purpose.
 */
class JobServiceRetryTest {
    private ManagedDataSource dataSource;
    private EdgeWriter writer;
    private JobService jobs;

    /** Fails the next {@code failures} scans (a build's walk over the view), then works. */
    private static final class FlakyStore extends MemoryKvStore {
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public List<KeyValue> scan(KeyRange range, boolean reverse, int limit) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new StorageException("injected: storage unavailable", null);
            }
            return super.scan(range, reverse, limit);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (jobs != null) {
            jobs.stop();
        }
        if (writer != null) {
            writer.stop();
        }
        if (dataSource != null) {
            dataSource.stop();
        }
    }

    @Test
    void aFailedIndexBuildRunsAgainUntilItsIndexIsReady() throws Exception {
        dataSource = MetadataDatabases.H2.migrated("job-retry-test");
        Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
        ViewRegistry registry = new ViewRegistry(jdbi.onDemand(ViewDao.class), new ViewValidator(Set.of()),
                Examples.MAPPER, Clock.systemUTC());
        DefinitionParser parser = new DefinitionParser(Examples.MAPPER, 65_536);
        ObjectNode withIndex = Examples.json("follows-view.json");
        ObjectNode without = withIndex.deepCopy();
        without.remove("indexes");
        registry.create(parser.parse(without.toString()));

        FlakyStore store = new FlakyStore();
        ViewCatalog catalog = new ViewCatalog(registry, 0);
        writer = new EdgeWriter(store, 2, catalog::latest);
        writer.start();
        JobDao dao = jdbi.onDemand(JobDao.class);
        jobs = new JobService(dao, registry, catalog, store, writer, Examples.MAPPER, Clock.systemUTC(),
                Duration.ofMillis(50));
        jobs.start();
        ViewLayout layout = catalog.any("follows").layout();
        for (long t = 2; t <= 20; t++) {
            writer.apply(layout, new Mutation(MutationType.INSERT, 1L, t, t, Map.of("created_at", t)))
                    .get(10, TimeUnit.SECONDS);
        }

        store.failures.set(2);
        registry.update("follows", parser.parse(withIndex.toString()));
        Job build = awaitBuild();
        assertThat(build.state()).as("%s", build).isEqualTo(JobState.DONE);
        assertThat(store.failures.get()).as("the injected failures happened").isZero();
        assertThat(dao.readyIndexes(layout.storageId())).hasSize(1);
    }

    /** The view's INDEX_BUILD job once it is DONE, or as it is after 20 s. */
    private Job awaitBuild() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Job build = null;
        while (System.nanoTime() < deadline) {
            build = jobs.list("follows", Long.MAX_VALUE, 10).stream()
                    .filter(j -> j.type() == JobType.INDEX_BUILD).findFirst().orElse(null);
            if (build != null && build.state() == JobState.DONE) {
                return build;
            }
            Thread.sleep(50);
        }
        return build;
    }
}
