package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sideview.Examples;
import io.sideview.edge.IntakeLog;
import io.sideview.edge.Mutation;
import io.sideview.edge.MutationType;
import io.sideview.edge.ViewLayout;
import io.sideview.jobs.JobNodes;
import io.sideview.jobs.JobService;
import io.sideview.jobs.JobState;
import io.sideview.jobs.JobType;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.api.JobResult.DifferenceKind;
import io.sideview.jobs.db.JobRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A SOURCE_VERIFY whose node dies goes on, on another node, after the last batch its checkpoint
 * records: the nodes before it are not read again, and what was found before it is in the result.
 * Two job services on one metadata DB stand for the two nodes, the shards are fakes.
 */
class SourceVerifyResumeTest {
    private static final BinlogPosition P = new BinlogPosition("binlog.000001", 5000, 0);
    private static final int USERS = 1200; // OUT nodes: batches of SourceVerify.BATCH (500)

    private JobNodes cluster;

    @BeforeEach
    void setUp() throws Exception {
        cluster = JobNodes.withFriendsView("source-verify-resume-test", 2);
    }

    @AfterEach
    void tearDown() throws Exception {
        cluster.close();
    }

    /** Users 1..USERS, one friend each, on shard user % 2; reads counted, the ids read kept. */
    private static final class Shards implements SourceRows {
        final Map<String, List<Map<String, Object>>> rows = new HashMap<>(Map.of("s0", new ArrayList<>(), "s1", new ArrayList<>()));
        final AtomicInteger reads = new AtomicInteger();
        final List<Object> idsRead = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Blocks the read with this number (1-based) until released: the node "dies" in it. */
        volatile int hangAt = -1;
        final CountDownLatch release = new CountDownLatch(1);

        Shards() {
            for (long u = 1; u <= USERS; u++) {
                Map<String, Object> r = new HashMap<>();
                r.put("user_id", u);
                r.put("friend_id", 100_000 + u % 40);
                r.put("nickname", u == 7 ? "in the source" : "n" + u);
                r.put("favorite", false);
                r.put("status", "ACTIVE");
                r.put("created_at", u);
                r.put("updated_at", u);
                rows.get("s" + u % 2).add(r);
            }
        }

        @Override
        public List<String> shards() {
            return List.of("s0", "s1");
        }

        @Override
        public List<Read> read(String column, List<Object> ids) throws java.sql.SQLException {
            if (reads.incrementAndGet() == hangAt) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // Not interrupted again: H2 closes its file when a thread with the flag set writes to it.
                    throw new java.sql.SQLException("the node died");
                }
            }
            if (column.equals("user_id")) {
                idsRead.addAll(ids);
            }
            return SourceBatchTest.FakeShards.readAt(P, rows, column, ids);
        }

        @Override
        public List<Object> distinct(String shard, String column, Object after, Object from, Object to, int limit) {
            return rows.get(shard).stream().map(r -> (Long) r.get(column)).distinct().sorted()
                    .filter(v -> after == null || v > (Long) after).limit(limit).map(v -> (Object) v).toList();
        }

        @Override
        public void close() {}
    }

    private JobService node(String name, Shards shards) {
        IntakeLog intake = new IntakeLog(cluster.store, cluster.writer, cluster.catalog);
        return cluster.node(name, jobs -> jobs.handle(JobType.SOURCE_VERIFY, new SourceVerify(cluster.catalog, cluster.store,
                cluster.writer, intake, (g, s, at, ms) -> true, binding -> shards, Examples.MAPPER)));
    }

    private JobRow row(long id) {
        return cluster.row(id);
    }

    @Test
    void aVerifyWhoseNodeDiedGoesOnAfterItsCheckpointOnAnotherNode() throws Exception {
        ViewLayout layout = cluster.catalog.active("friends").layout();
        for (long u = 1; u <= USERS; u++) {
            Map<String, Object> p = new HashMap<>(Map.of("favorite", false, "created_at", u, "updated_at", u));
            p.put("nickname", u == 7 ? "drifted in the view" : "n" + u);
            cluster.writer.apply(layout, new Mutation(MutationType.INSERT, u, 100_000 + u % 40, 100, p)).get(5, TimeUnit.SECONDS);
        }
        // Node a takes the job (queued by a node gone before it ran it) and dies in its second batch of OUT nodes:
        // the first batch (users 1..500, user 7's property drift among them) is done and checkpointed.
        Shards first = new Shards();
        first.hangAt = SourceBatch.ROUNDS + 1; // user 7's batch is read once per round, then the next batch hangs
        long job = cluster.dao.add(JobType.SOURCE_VERIFY, cluster.catalog.active("friends").descriptor().id(), "friends", null, JobState.QUEUED, null,
                System.currentTimeMillis(), null, "node-gone", System.currentTimeMillis() - 1);
        JobService a = node("node-a", first);
        await().atMost(Duration.ofSeconds(10)).until(() -> row(job).checkpoint() != null);
        assertThat(row(job).checkpoint()).contains("\"after\":500");
        cluster.jdbi.useHandle(h -> h.execute("UPDATE jobs SET owner = 'node-a-dead', lease_expires = ? WHERE id = ?",
                System.currentTimeMillis() - 1, job));
        cluster.stop(a); // what it does from now on lands nowhere: the job is not its own any more

        Shards second = new Shards();
        node("node-b", second);
        await().atMost(Duration.ofSeconds(20)).until(() -> row(job).state() == JobState.DONE);
        first.release.countDown();

        assertThat(second.idsRead).as("no OUT node up to the checkpoint is read again").isNotEmpty()
                .allSatisfy(id -> assertThat((Long) id).isGreaterThan(500L));
        JobResult.SourceVerify r = Examples.MAPPER.readValue(row(job).result(), JobResult.SourceVerify.class);
        // User 7's drift, once per side: the OUT one found by node a before its checkpoint, the IN one by node b.
        assertThat(r.differences()).as(r.toString()).containsEntry(DifferenceKind.PROPERTY, 2L);
        assertThat(r.total()).as(r.toString()).isEqualTo(2);
        assertThat(r.samples()).extracting(d -> d.side() + " " + d.node() + " " + d.kind())
                .containsExactlyInAnyOrder("OUT 7 PROPERTY", "IN 100007 PROPERTY");
        assertThat(r.edges()).as("every edge counted once per side over both runs").isEqualTo(2 * USERS);
        assertThat(r.nodes()).as("OUT nodes and the 40 IN nodes").isEqualTo(USERS + 40);
        assertThat(row(job).done()).isEqualTo(USERS + 40);
    }
}
