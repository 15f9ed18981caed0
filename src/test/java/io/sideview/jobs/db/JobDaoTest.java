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
        long first = dao.add(JobType.VERIFY, 7, "follows", null, JobState.QUEUED, null, 1_000);
        long second = dao.add(JobType.BACKFILL, 8, "friends", "shard friends/shard0 at binlog.000001:4", JobState.QUEUED, 40L, 1_001);
        assertThat(second).isEqualTo(first + 1);
        dao.start(first, 2_000);
        dao.progress(first, 5, 10L, 2_500);
        assertThat(dao.unfinished()).extracting(JobRow::id).containsExactly(first, second);
        dao.finish(first, JobState.DONE, 10, "{\"exact\":true}", 3_000);
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
        long build = dao.add(JobType.INDEX_BUILD, 7, "follows", "recent", JobState.QUEUED, null, 1_000);
        dao.insertIndexBuild(7, 2, IndexBuildState.PENDING, build, 1_000);
        assertThat(dao.knownIndexes(7)).containsExactlyInAnyOrder(1, 2);
        assertThat(dao.readyIndexes(7)).containsExactly(1);
        dao.finish(build, JobState.FAILED, 0, "{\"error\":\"storage\"}", 2_000);
        assertThat(dao.unfinished()).isEmpty();
        assertThat(dao.requeuePendingIndexBuilds(3_000)).isEqualTo(1);
        assertThat(dao.unfinished()).extracting(JobRow::id).containsExactly(build);
        dao.updateIndexBuild(7, 2, IndexBuildState.READY, build, 4_000);
        assertThat(dao.readyIndexes(7)).containsExactlyInAnyOrder(1, 2);
        assertThat(dao.requeuePendingIndexBuilds(5_000)).isZero();
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void oneFailedIndexBuildIsQueuedAgainWhileItsIndexWaits(MetadataDatabases engine) throws Exception {
        JobDao dao = dao(engine);
        long build = dao.add(JobType.INDEX_BUILD, 7, "follows", "recent", JobState.QUEUED, null, 1_000);
        long other = dao.add(JobType.INDEX_BUILD, 7, "follows", "by_name", JobState.QUEUED, null, 1_000);
        dao.insertIndexBuild(7, 2, IndexBuildState.PENDING, build, 1_000);
        dao.insertIndexBuild(7, 3, IndexBuildState.PENDING, other, 1_000);
        assertThat(dao.requeueIndexBuild(build, 1_500)).as("not failed").isZero();
        dao.finish(build, JobState.FAILED, 0, "{\"error\":\"storage\"}", 2_000);
        dao.finish(other, JobState.FAILED, 0, "{\"error\":\"storage\"}", 2_000);
        assertThat(dao.requeueIndexBuild(build, 3_000)).isEqualTo(1);
        assertThat(dao.unfinished()).extracting(JobRow::id).containsExactly(build);
        dao.updateIndexBuild(7, 3, IndexBuildState.READY, other, 4_000);
        assertThat(dao.requeueIndexBuild(other, 5_000)).as("its index no longer waits").isZero();
    }
}
