package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.db.ManagedDataSource;
import io.sideview.Examples;
import io.sideview.MetadataDatabases;
import io.sideview.edge.EdgeWriter;
import io.sideview.edge.MemoryKvStore;
import io.sideview.edge.Mutation;
import io.sideview.edge.MutationType;
import io.sideview.edge.ViewCatalog;
import io.sideview.errors.Refused;
import io.sideview.ingest.db.BackfillDao;
import io.sideview.jobs.JobService;
import io.sideview.jobs.JobState;
import io.sideview.jobs.JobType;
import io.sideview.jobs.api.Job;
import io.sideview.jobs.db.JobDao;
import io.sideview.registry.DefinitionParser;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.ViewValidator;
import io.sideview.registry.api.ViewDescriptor;
import io.sideview.registry.db.ViewDao;
import io.sideview.storage.StoredRecords;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The REPLAY steps without shards (the copies' rows are written as the engines would): no switch
 * before every shard's copy is done and the WAL applied it; the switch moves queries in one step;
 * the old generation is purged after the grace; a cancel drops the generation and purges it; a
 * pending generation left by a restart is followed by a new job; a definition change waits.
 */
class ReplaysTest {
    private static final List<String> SHARDS = List.of("shard0", "shard1");

    private ManagedDataSource dataSource;
    private Jdbi jdbi;
    private EdgeWriter writer;
    private JobService jobs;
    private ViewRegistry registry;
    private ViewCatalog catalog;
    private BackfillDao copies;
    private MemoryKvStore store;
    private final AtomicBoolean walApplied = new AtomicBoolean(true);
    private final io.sideview.TestClock clock = new io.sideview.TestClock(1_000_000);

    @BeforeEach
    void start() throws Exception {
        dataSource = MetadataDatabases.H2.migrated("replays-test");
        jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
        registry = new ViewRegistry(jdbi.onDemand(ViewDao.class), new ViewValidator(Set.of("friends")), Examples.MAPPER,
                Clock.systemUTC());
        registry.create(new DefinitionParser(Examples.MAPPER, 65_536).parse(Examples.text("friends-view.json")));
        copies = jdbi.onDemand(BackfillDao.class);
        store = new MemoryKvStore();
        catalog = new ViewCatalog(registry, 0);
        writer = new EdgeWriter(store, 2, catalog::latest);
        writer.start();
        jobs = new JobService(jdbi.onDemand(JobDao.class), registry, catalog, store, writer, Examples.MAPPER, Clock.systemUTC());
        jobs.start();
        for (long t = 1; t <= 20; t++) {
            writer.apply(catalog.any("friends").layout(), new Mutation(MutationType.INSERT, t % 3, t, t,
                    Map.of("created_at", t, "updated_at", t))).get(10, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() throws Exception {
        jobs.stop();
        writer.stop();
        dataSource.stop();
    }

    private Replays replays() {
        Replays r = new Replays(registry, copies, jobs.tracker(), jobs, Map.of("friends", SHARDS),
                () -> walApplied::get, () -> true, clock);
        jobs.handle(JobType.REPLAY, r::start);
        return r;
    }

    @Test
    void switchesOnlyOnceEveryCopyIsDoneAndApplied() {
        Replays replays = replays();
        long first = registry.get("friends").storageId();
        Job job = jobs.submit(JobType.REPLAY, "friends");
        ViewDescriptor building = registry.get("friends");
        long next = building.pendingStorageId();
        assertThat(next).isGreaterThan(first);
        assertThat(catalog.any("friends").layout().storageId()).as("queries stay on the old generation").isEqualTo(first);
        assertThat(catalog.any("friends").writeLayouts()).extracting(l -> l.storageId()).containsExactly(first, next);
        assertThat(catalog.generation(next, "friends")).isPresent();

        copies.begin(next, "shard0", clock.now());
        copies.status(next, "shard0", CopyStatus.DONE, null, clock.now());
        replays.tick();
        assertThat(registry.get("friends").storageId()).as("one shard still copying").isEqualTo(first);

        copies.begin(next, "shard1", clock.now());
        copies.status(next, "shard1", CopyStatus.DONE, null, clock.now());
        walApplied.set(false);
        replays.tick();
        assertThat(registry.get("friends").storageId()).as("published, not applied yet").isEqualTo(first);

        walApplied.set(true);
        replays.tick();
        assertThat(registry.get("friends").storageId()).isEqualTo(next);
        assertThat(registry.get("friends").pendingStorageId()).isNull();
        assertThat(catalog.any("friends").layout().storageId()).as("the catalog moved at once").isEqualTo(next);
        assertThat(catalog.generation(first, "friends")).as("records for the old generation are dropped").isEmpty();

        replays.tick();
        assertThat(StoredRecords.count(store, first, 0)).as("not purged within the grace").isPositive();
        clock.advance(Replays.GRACE.toMillis());
        replays.tick();
        Job done = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            replays.tick();
            return jobs.get(job.id());
        }, j -> j.state().finished());
        assertThat(done.state()).isEqualTo(JobState.DONE);
        assertThat(done.result().get("fromStorageId").asLong()).isEqualTo(first);
        assertThat(done.result().get("toStorageId").asLong()).isEqualTo(next);
        assertThat(done.result().get("recordsPurged").asLong()).isPositive();
        assertThat(StoredRecords.count(store, first, 0)).isZero();
    }

    @Test
    void aCancelDropsTheGenerationAndASecondReplayOrAChangeWaits() throws Exception {
        Replays replays = replays();
        long first = registry.get("friends").storageId();
        Job job = jobs.submit(JobType.REPLAY, "friends");
        long next = registry.get("friends").pendingStorageId();
        assertThatThrownBy(() -> jobs.submit(JobType.REPLAY, "friends"))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.kind()).isEqualTo(Refused.Kind.CONFLICT));
        String changed = Examples.text("friends-view.json").replace("Friendships captured", "Changed: friendships captured");
        assertThatThrownBy(() -> registry.update("friends", new DefinitionParser(Examples.MAPPER, 65_536).parse(changed)))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.getMessage() + r.reasons()).contains("being replayed"));
        writer.apply(catalog.any("friends").pending(), new Mutation(MutationType.INSERT, 7L, 8L, 99,
                Map.of("created_at", 1L, "updated_at", 1L))).get(10, TimeUnit.SECONDS);
        copies.begin(next, "shard0", clock.now());   // a copy still running holds the purge back

        jobs.cancel(job.id());
        replays.tick();
        assertThat(registry.get("friends").pendingStorageId()).isNull();
        assertThat(registry.get("friends").storageId()).isEqualTo(first);
        assertThat(jobs.get(job.id()).state()).as("waits for the copy to stop").isEqualTo(JobState.RUNNING);
        copies.status(next, "shard0", CopyStatus.CANCELLED, null, clock.now());
        Job cancelled = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            replays.tick();
            return jobs.get(job.id());
        }, j -> j.state().finished());
        assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> StoredRecords.count(store, next, 0) == 0);
        assertThat(StoredRecords.count(store, first, 0)).isPositive();
        // The view may change again, and be replayed again.
        registry.update("friends", new DefinitionParser(Examples.MAPPER, 65_536).parse(changed));
        assertThat(jobs.submit(JobType.REPLAY, "friends").state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void anotherNodesReplayIsAdoptedUnderItsJobAlsoAfterARestart() throws Exception {
        replays();
        Job job = jobs.submit(JobType.REPLAY, "friends");
        long next = registry.get("friends").pendingStorageId();
        Replays leader = replays(); // another node, the leader: it knows no run yet
        leader.tick();
        assertThat(replayJobs()).extracting(Job::id).containsExactly(job.id());
        assertThat(leader.building()).containsExactly(next);

        jobs.stop(); // a restart: the stop lets go of the job's lease, the start takes it (a new process, a new owner)
        jobs = new JobService(jdbi.onDemand(JobDao.class), registry, catalog, store, writer, Examples.MAPPER, Clock.systemUTC());
        jobs.start();
        assertThat(jobs.get(job.id()).state()).as("a replay is left to the replays, not failed").isEqualTo(JobState.RUNNING);
        Replays restarted = replays();
        restarted.tick();
        assertThat(replayJobs()).extracting(Job::id).as("followed under its own job").containsExactly(job.id());
        assertThat(restarted.building()).containsExactly(next);
    }

    @Test
    void aNodeThatIsNotTheLeaderLeavesTheReplayToIt() {
        Replays follower = new Replays(registry, copies, jobs.tracker(), jobs, Map.of("friends", SHARDS),
                () -> walApplied::get, () -> false, clock);
        jobs.handle(JobType.REPLAY, follower::start);
        Job job = jobs.submit(JobType.REPLAY, "friends");
        follower.tick();
        assertThat(follower.building()).isEmpty();
        assertThat(jobs.get(job.id()).state()).isEqualTo(JobState.RUNNING);
        assertThat(registry.get("friends").pendingStorageId()).isNotNull();
    }

    private List<Job> replayJobs() {
        return jobs.list("friends", Long.MAX_VALUE, 10).stream().filter(j -> j.type() == JobType.REPLAY).toList();
    }
}
