package io.sideview.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.db.JobDao;
import io.sideview.jobs.db.JobRow;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs survive their node: two job services on one metadata DB stand for two nodes; the rows of a
 * third node are written directly, live or with its lease expired.
 */
class JobLeaseTest {
    private static final Duration TICK = JobNodes.TICK;
    private JobNodes cluster;
    private JobDao dao;
    private Jdbi jdbi;
    private final AtomicInteger runs = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        cluster = new JobNodes("job-lease-test", 1, Set.of());
        dao = cluster.dao;
        jdbi = cluster.jdbi;
    }

    @AfterEach
    void tearDown() throws Exception {
        cluster.close();
    }

    /** A node whose SOURCE_VERIFY jobs count their runs. */
    private JobService node(String name) {
        return cluster.node(name, jobs -> jobs.handle(JobType.SOURCE_VERIFY, (j, cancelled, progress) -> {
            runs.incrementAndGet();
            return new JobResult.SourceVerify(0, 0, 0, new java.util.EnumMap<>(JobResult.DifferenceKind.class), 0, 0, List.of(), true);
        }));
    }

    private long job(JobType type, JobState state, String owner, long leaseExpires) {
        return dao.add(type, 7, "follows", null, state, null, System.currentTimeMillis(), null, owner, leaseExpires);
    }

    private JobRow row(long id) {
        return cluster.row(id);
    }

    @Test
    void aStartNeverTouchesAnotherNodesLiveJobs() throws Exception {
        long live = System.currentTimeMillis() + 60_000;
        long verify = job(JobType.SOURCE_VERIFY, JobState.RUNNING, "node-c", live);
        long copy = job(JobType.BACKFILL, JobState.RUNNING, "node-c", live);
        long queued = job(JobType.SOURCE_VERIFY, JobState.QUEUED, "node-c", live);
        node("node-a");
        Thread.sleep(10 * TICK.toMillis());
        for (long id : List.of(verify, copy, queued)) {
            assertThat(row(id).owner()).isEqualTo("node-c");
            assertThat(row(id).state()).isIn(JobState.RUNNING, JobState.QUEUED);
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void aJobWhoseNodeStoppedIsTakenOverOnceAndRunAgainUnderItsId() {
        long expired = System.currentTimeMillis() - 1;
        long verify = job(JobType.SOURCE_VERIFY, JobState.RUNNING, "node-c", expired);
        long copy = job(JobType.BACKFILL, JobState.RUNNING, "node-c", expired);
        node("node-a");
        node("node-b");
        await().atMost(Duration.ofSeconds(10)).until(() -> row(verify).state() == JobState.DONE);
        assertThat(row(verify).owner()).isIn("node-a", "node-b");
        assertThat(row(copy).state()).isEqualTo(JobState.FAILED);
        assertThat(row(copy).result()).contains("its node stopped");
        assertThat(runs).as("run by exactly one node").hasValue(1);
    }

    @Test
    void aLiveNodeRenewsWhatItHoldsAndTakesOverALeaseThatExpiresLater() throws Exception {
        node("node-a");
        node("node-b");
        // Held by node-a (as if running there) with a lease shorter than the test: renewed, never taken.
        long held = job(JobType.SOURCE_VERIFY, JobState.RUNNING, "node-a", System.currentTimeMillis() + 300);
        // A node that renews no more: taken over once its lease is past, without a restart.
        long later = job(JobType.SOURCE_VERIFY, JobState.QUEUED, "node-c", System.currentTimeMillis() + 300);
        assertThat(row(later).owner()).isEqualTo("node-c");
        await().atMost(Duration.ofSeconds(5)).until(() -> row(later).state() == JobState.DONE);
        assertThat(row(later).owner()).isIn("node-a", "node-b");
        Thread.sleep(600);
        assertThat(row(held).owner()).isEqualTo("node-a");
        assertThat(row(held).state()).isEqualTo(JobState.RUNNING);
        assertThat(row(held).leaseExpires()).isGreaterThan(System.currentTimeMillis() + 10_000);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aNodeThatLostItsJobStopsItAndItsOutcomeLandsNowhere() throws Exception {
        JobService a = node("node-a");
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Boolean> stopped = new java.util.concurrent.CompletableFuture<>();
        a.handle(JobType.SOURCE_VERIFY, (j, cancelled, progress) -> {
            running.countDown();
            for (long n = 1; !cancelled.getAsBoolean(); n++) {
                progress.done(n);
                Thread.sleep(20);
            }
            stopped.complete(true);
            return null;
        });
        long job = job(JobType.SOURCE_VERIFY, JobState.QUEUED, "node-c", System.currentTimeMillis() - 1);
        assertThat(running.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("taken over and running on node-a").isTrue();
        // Another node claimed it meanwhile (node-a's lease lapsed while it could not reach the DB, say).
        jdbi.useHandle(h -> h.execute("UPDATE jobs SET owner = 'node-b', lease_expires = ? WHERE id = ?",
                System.currentTimeMillis() + 60_000, job));
        assertThat(stopped.get(5, java.util.concurrent.TimeUnit.SECONDS)).as("stopped at its next progress write").isTrue();
        Thread.sleep(200);
        assertThat(row(job).owner()).isEqualTo("node-b");
        assertThat(row(job).state()).as("node-a's CANCELLED is not recorded").isEqualTo(JobState.RUNNING);
    }
}
