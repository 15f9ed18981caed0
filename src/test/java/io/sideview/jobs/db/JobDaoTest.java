package io.sideview.jobs.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.db.ManagedDataSource;
import io.sideview.MetadataDatabases;
import io.sideview.jobs.IndexBuildState;
import io.sideview.jobs.JobState;
import io.sideview.jobs.JobType;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Jobs and index builds on H2, PostgreSQL and MariaDB, with the real migrations. */
@Tag("integration")
class JobDaoTest {
    private static final String A = "node-a";
    private static final String B = "node-b";
    private static final long FAR = Long.MAX_VALUE;
    private ManagedDataSource dataSource;

    private JobDao dao(MetadataDatabases engine) throws Exception {
        dataSource = engine.migrated("job-dao-test");
        return Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin()).onDemand(JobDao.class);
    }

    @AfterEach
    void close() throws Exception {
        if (dataSource != null) {
            dataSource.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void jobsMoveThroughTheirStates(MetadataDatabases engine) throws Exception {
        JobDao dao = dao(engine);
        long first = dao.add(JobType.VERIFY, 7, "follows", null, JobState.QUEUED, null, 1_000, null, A, FAR);
        long second = dao.add(JobType.BACKFILL, 8, "friends", "shard friends/shard0 at binlog.000001:4", JobState.QUEUED, 40L, 1_001, null, A, FAR);
        assertThat(second).isEqualTo(first + 1);
        dao.start(first, A, 2_000);
        dao.progress(first, A, 5, 10L, 2_500);
        assertThat(dao.unfinished()).extracting(JobRow::id).containsExactly(first, second);
        dao.finish(first, A, JobState.DONE, 10, "{\"exact\":true}", 3_000);
        JobRow done = dao.find(first).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.DONE);
        assertThat(done.done()).isEqualTo(10);
        assertThat(done.total()).isEqualTo(10L);
        assertThat(done.result()).isEqualTo("{\"exact\":true}");
        assertThat(done.startedAt()).isEqualTo(2_000L);
        assertThat(done.finishedAt()).isEqualTo(3_000L);
        assertThat(dao.list(Long.MAX_VALUE, 10)).extracting(JobRow::id).containsExactly(second, first);
        assertThat(dao.list(second, 10)).extracting(JobRow::id).containsExactly(first);
        assertThat(dao.listForView("friends", Long.MAX_VALUE, 10)).extracting(JobRow::id).containsExactly(second);
        assertThat(dao.find(999)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void aFailedIndexBuildIsQueuedAgain(MetadataDatabases engine) throws Exception {
        JobDao dao = dao(engine);
        dao.insertIndexBuild(7, 1, IndexBuildState.READY, null, 1_000);
        long build = dao.add(JobType.INDEX_BUILD, 7, "follows", "recent", JobState.QUEUED, null, 1_000, null, A, FAR);
        dao.insertIndexBuild(7, 2, IndexBuildState.PENDING, build, 1_000);
        assertThat(dao.knownIndexes(7)).containsExactlyInAnyOrder(1, 2);
        assertThat(dao.readyIndexes(7)).containsExactly(1);
        dao.finish(build, A, JobState.FAILED, 0, "{\"error\":\"storage\"}", 2_000);
        assertThat(dao.unfinished()).isEmpty();
        assertThat(dao.requeuePendingIndexBuilds(A, 3_000, FAR)).isEqualTo(1);
        assertThat(dao.unfinished()).extracting(JobRow::id).containsExactly(build);
        dao.updateIndexBuild(7, 2, IndexBuildState.READY, build, 4_000);
        assertThat(dao.readyIndexes(7)).containsExactlyInAnyOrder(1, 2);
        assertThat(dao.requeuePendingIndexBuilds(A, 5_000, FAR)).isZero();
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void oneFailedIndexBuildIsQueuedAgainWhileItsIndexWaits(MetadataDatabases engine) throws Exception {
        JobDao dao = dao(engine);
        long build = dao.add(JobType.INDEX_BUILD, 7, "follows", "recent", JobState.QUEUED, null, 1_000, null, A, FAR);
        long other = dao.add(JobType.INDEX_BUILD, 7, "follows", "by_name", JobState.QUEUED, null, 1_000, null, A, FAR);
        dao.insertIndexBuild(7, 2, IndexBuildState.PENDING, build, 1_000);
        dao.insertIndexBuild(7, 3, IndexBuildState.PENDING, other, 1_000);
        assertThat(dao.requeueIndexBuild(build, A, 1_500, FAR)).as("not failed").isZero();
        dao.finish(build, A, JobState.FAILED, 0, "{\"error\":\"storage\"}", 2_000);
        dao.finish(other, A, JobState.FAILED, 0, "{\"error\":\"storage\"}", 2_000);
        assertThat(dao.requeueIndexBuild(build, A, 3_000, FAR)).isEqualTo(1);
        assertThat(dao.unfinished()).extracting(JobRow::id).containsExactly(build);
        dao.updateIndexBuild(7, 3, IndexBuildState.READY, other, 4_000);
        assertThat(dao.requeueIndexBuild(other, A, 5_000, FAR)).as("its index no longer waits").isZero();
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void aLiveLeaseIsNeverTakenAnExpiredOneOnceAndItsOldHoldersWritesLandNowhere(MetadataDatabases engine) throws Exception {
        JobDao dao = dao(engine);
        long job = dao.add(JobType.VERIFY, 7, "follows", null, JobState.QUEUED, null, 1_000, null, A, 16_000L);
        dao.start(job, A, 1_000);
        assertThat(dao.expired(10_000)).isEmpty();
        assertThat(dao.claim(job, B, 10_000, 25_000)).as("live lease").isZero();
        assertThat(dao.renew(A, 20_000)).isEqualTo(1);
        assertThat(dao.claim(job, B, 17_000, 32_000)).as("renewed").isZero();
        assertThat(dao.claim(job, A, 17_000, 32_000)).as("its holder may claim it again").isEqualTo(1);

        assertThat(dao.expired(40_000)).extracting(JobRow::id).containsExactly(job);
        assertThat(dao.claim(job, B, 40_000, 55_000)).as("expired").isEqualTo(1);
        assertThat(dao.claim(job, B, 41_000, 56_000)).as("held by B now").isEqualTo(1);
        assertThat(dao.claim(job, A, 41_000, 56_000)).as("A cannot take it back").isZero();
        JobRow held = dao.find(job).orElseThrow();
        assertThat(held.owner()).isEqualTo(B);
        assertThat(held.leaseExpires()).isEqualTo(56_000L);
        assertThat(dao.renew(A, 60_000)).as("A holds nothing").isZero();
        assertThat(dao.progress(job, A, 5, 10L, 42_000)).isZero();
        assertThat(dao.finish(job, A, JobState.DONE, 10, "{}", 42_000)).isZero();
        assertThat(dao.find(job).orElseThrow().state()).isEqualTo(JobState.RUNNING);
        assertThat(dao.finish(job, B, JobState.DONE, 10, "{}", 43_000)).isEqualTo(1);
        assertThat(dao.claim(job, A, 99_000, 114_000)).as("finished jobs are not claimed").isZero();
        assertThat(dao.expired(99_000)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void jobsFromBeforeLeasesAndReleasedOnesAreFreeAtOnce(MetadataDatabases engine) throws Exception {
        JobDao dao = dao(engine);
        long legacy = dao.add(JobType.REBUILD, 7, "follows", null, JobState.RUNNING, null, 1_000);
        long queued = dao.add(JobType.VERIFY, 7, "follows", null, JobState.QUEUED, null, 1_000, null, A, FAR);
        assertThat(dao.expired(2_000)).extracting(JobRow::id).containsExactly(legacy);
        assertThat(dao.release(A)).isEqualTo(1);
        assertThat(dao.expired(2_000)).extracting(JobRow::id).containsExactly(legacy, queued);
        assertThat(dao.claim(legacy, B, 2_000, 17_000)).isEqualTo(1);
        assertThat(dao.claim(queued, B, 2_000, 17_000)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void ofManyNodesClaimingAnExpiredJobAtOnceExactlyOneGetsIt(MetadataDatabases engine) throws Exception {
        JobDao dao = dao(engine);
        int nodes = 4;
        java.util.List<Long> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            jobs.add(dao.add(JobType.VERIFY, 7, "follows", null, JobState.RUNNING, null, 1_000, null, "dead", 2_000L));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(nodes);
        try {
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(nodes);
            java.util.List<java.util.concurrent.Future<java.util.List<Long>>> claimed = new java.util.ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                String node = "node-" + n;
                claimed.add(pool.submit(() -> {
                    together.await();
                    java.util.List<Long> mine = new java.util.ArrayList<>();
                    for (long job : jobs) {
                        if (dao.claim(job, node, 10_000, 25_000) == 1) {
                            mine.add(job);
                        }
                    }
                    return mine;
                }));
            }
            java.util.List<Long> all = new java.util.ArrayList<>();
            for (var f : claimed) {
                all.addAll(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(all).as("every job claimed by exactly one node").containsExactlyInAnyOrderElementsOf(jobs);
            for (long job : jobs) {
                assertThat(dao.find(job).orElseThrow().owner()).isNotEqualTo("dead");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void anIndexBuildQueuedByTwoNodesLeavesOneJob(MetadataDatabases engine) throws Exception {
        JobDao dao = dao(engine);
        long first = dao.addIndexBuild(7, "follows", 2, "recent", 1_000, A, FAR);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dao.addIndexBuild(7, "follows", 2, "recent", 1_001, B, FAR))
                .isInstanceOf(org.jdbi.v3.core.statement.StatementException.class);
        assertThat(dao.unfinished()).extracting(JobRow::id).containsExactly(first);
    }
}
