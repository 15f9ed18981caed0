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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A deleted view's records leave storage in the background (a PURGE job), and nothing else does:
 * not a live view's, not the intake log's (id 0), not those of a view id not allocated yet.
 */
class StoragePurgeTest {
    private ManagedDataSource dataSource;
    private EdgeWriter writer;
    private JobService jobs;

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

    @ParameterizedTest(name = "salt buckets {0}")
    @ValueSource(ints = {0, 16})
    void aDeletedViewsRecordsArePurgedAndNothingElse(int saltBuckets) throws Exception {
        dataSource = MetadataDatabases.H2.migrated("purge-test-" + saltBuckets);
        Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
        ViewRegistry registry = new ViewRegistry(jdbi.onDemand(ViewDao.class), new ViewValidator(Set.of()),
                Examples.MAPPER, Clock.systemUTC());
        DefinitionParser parser = new DefinitionParser(Examples.MAPPER, 65_536);
        ObjectNode follows = Examples.json("follows-view.json");
        registry.create(parser.parse(follows.toString()));
        ObjectNode likes = follows.deepCopy();
        likes.put("name", "likes");
        registry.create(parser.parse(likes.toString()));

        MemoryKvStore store = new MemoryKvStore();
        ViewCatalog catalog = new ViewCatalog(registry, saltBuckets);
        writer = new EdgeWriter(store, 2, catalog::latest);
        writer.start();
        jobs = new JobService(jdbi.onDemand(JobDao.class), registry, catalog, store, writer, Examples.MAPPER, Clock.systemUTC());
        jobs.start();
        ViewLayout followsLayout = catalog.any("follows").layout();
        ViewLayout likesLayout = catalog.any("likes").layout();
        for (long t = 2; t <= 300; t++) {
            for (ViewLayout l : List.of(followsLayout, likesLayout)) {
                writer.apply(l, new Mutation(MutationType.INSERT, t % 7, t, t, Map.of("created_at", t))).get(10, TimeUnit.SECONDS);
            }
        }
        byte[] intake = {0, 0, 0, 0, 0, (byte) 0xFF, 'I', 1};
        store.put(intake, new byte[] {1});
        byte[] unborn = ViewLayout.recordsOf(likesLayout.storageId() + 50, saltBuckets).get(0).start();
        store.put(unborn, new byte[] {2});
        long followsRecords = count(store, followsLayout.storageId(), saltBuckets);
        long likesRecords = count(store, likesLayout.storageId(), saltBuckets);
        assertThat(likesRecords).isPositive();

        registry.setStatus("likes", io.sideview.registry.ViewStatus.INACTIVE);
        registry.delete("likes");
        Job purge = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> jobs.list(null, Long.MAX_VALUE, 10).stream()
                .filter(j -> j.type() == JobType.PURGE && j.state() == JobState.DONE).findFirst().orElse(null), j -> j != null);
        assertThat(purge.result().get("viewId").asLong()).isEqualTo(likesLayout.storageId());
        assertThat(purge.result().get("recordsDeleted").asLong()).isEqualTo(likesRecords);
        assertThat(count(store, likesLayout.storageId(), saltBuckets)).isZero();
        assertThat(count(store, followsLayout.storageId(), saltBuckets)).isEqualTo(followsRecords);
        assertThat(store.get(intake)).as("the intake log is not a view").isPresent();
        assertThat(store.get(unborn)).as("an id not allocated yet may be a view being created").isPresent();
    }

    private static long count(MemoryKvStore store, long storageId, int saltBuckets) {
        return io.sideview.storage.StoredRecords.count(store, storageId, saltBuckets);
    }
}
