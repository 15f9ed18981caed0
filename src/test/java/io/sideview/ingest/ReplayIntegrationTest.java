package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.storage.ManagedStore;
import io.sideview.storage.StorageConfig;
import io.sideview.storage.StoredRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 16, acceptance 5, on real MariaDB shards, RocksDB and HBase: a REPLAY rebuilds the view from
 * the shards into a new generation while queries run and the workload writes. No query sees the
 * generation being built (nodes whose edges never change always answer in full), a cursor of the old
 * generation is refused after the switch, the view ends equal to SQL and exact against the source,
 * and the old generation's records are gone from storage. On RocksDB also: a replay survives a
 * restart midway (its job follows it), and a cancelled one leaves the view as it was and its
 * generation purged.
 */
@Tag("integration")
class ReplayIntegrationTest {
    /** Static history (users 1000..1399, friends 1000..1099) that the workload (ids below 150) never touches. */
    private static final int FIRST = 1000;
    private static final int USERS = 400;
    private static final int FRIENDS = 100;

    @ParameterizedTest
    @EnumSource(value = Corner.class, names = {"ROCKSDB_NONE", "HBASE_NONE", "ROCKSDB_KAFKA"})
    void replayUnderQueriesSwitchesAtOnceAndPurgesTheOldGeneration(Corner corner) throws Exception {
        try (CdcTestApp cdc = new CdcTestApp("replay" + corner.ordinal(), 860 + 10 * corner.ordinal())) {
            Map<String, String> settings = corner.settings();
            // Slow copies (4,000 rows/s per shard), so a replay spans seconds of queries and writes.
            ConfigOverride[] config = Stream.concat(Stream.of(Corner.overrides(settings)), Stream.of(
                    ConfigOverride.config("sources.friends.copy.chunkRows", "1000"),
                    ConfigOverride.config("sources.friends.copy.rowsPerSecond", "4000"))).toArray(ConfigOverride[]::new);
            FriendsWorkload workload = cdc.workload(61 + corner.ordinal());
            workload.run(1500);
            workload.bulkHistory(FIRST, FIRST, FRIENDS, USERS / 2 * FRIENDS, false);
            cdc.startApp(config);
            Http http = cdc.http();
            assertThat(http.post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
            Awaitility.await().atMost(Duration.ofMinutes(3)).until(() ->
                    http.get("/v1/ingest/copies").json().findValuesAsText("status").equals(List.of("DONE", "DONE")));
            ViewVsSql.awaitExact(cdc::http, workload, corner + " after the history copy", 300);
            assertThat(answerOf(http, new Random(1))).isNull();
            long before = http.get("/v1/views/friends").json().get("storageId").asLong();
            JsonNode firstPage = http.get("/v1/views/friends/scan?start=" + FIRST + "&direction=OUT&limit=10").json();
            String oldCursor = firstPage.get("next").asText();

            long replayed;
            try (QueryLoad load = new QueryLoad(http)) {
                CompletableFuture<Integer> writes = workload.runAsync(3000);
                JsonNode started = startReplay(http);
                refusedWhileReplaying(http);
                JsonNode done = http.awaitJob(started.get("id").asLong(), Duration.ofMinutes(5));
                assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
                assertThat(done.at("/result/fromStorageId").asLong()).isEqualTo(before);
                replayed = done.at("/result/toStorageId").asLong();
                assertThat(replayed).isGreaterThan(before);
                assertThat(done.at("/result/rowsCopied").asLong()).as(done.toString()).isGreaterThanOrEqualTo(2L * USERS / 2 * FRIENDS);
                assertThat(done.at("/result/recordsPurged").asLong()).as(done.toString()).isPositive();
                writes.get();
                load.awaitMore(50);
                load.assertClean();
            }
            JsonNode view = http.get("/v1/views/friends").json();
            assertThat(view.get("storageId").asLong()).isEqualTo(replayed);
            assertThat(view.get("pendingStorageId").isNull()).as(view.toString()).isTrue();
            Http.Reply stale = http.get("/v1/views/friends/scan?start=" + FIRST + "&direction=OUT&limit=10&cursor=" + oldCursor);
            assertThat(stale.status()).as("a cursor of the replaced generation: " + stale.body()).isEqualTo(400);
            assertThat(stale.body()).contains("\"field\":\"cursor\"");

            ViewVsSql.awaitExact(cdc::http, workload, corner + " after the replay", 300);
            assertThat(answerOf(http, new Random(2))).isNull();
            exact(http);
            List<Long> gone = new ArrayList<>(List.of(before));

            if (corner == Corner.ROCKSDB_NONE) {
                gone.add(restartMidway(cdc, config, workload));
                gone.add(cancelMidway(cdc, workload));
            }

            long current = cdc.http().get("/v1/views/friends").json().get("storageId").asLong();
            StorageConfig storage = cdc.app().getConfiguration().getStorage();
            cdc.stopApp();
            ManagedStore store = new ManagedStore(storage);
            store.start();
            try {
                for (long old : gone) {
                    assertThat(StoredRecords.count(store, old, storage.saltBuckets())).as("records of generation " + old).isZero();
                }
                assertThat(StoredRecords.count(store, current, storage.saltBuckets())).isPositive();
            } finally {
                store.stop();
            }
        }
    }

    /** A replay whose service stops during its copy goes on after the start under its job; returns the replaced generation. */
    private static long restartMidway(CdcTestApp cdc, ConfigOverride[] config, FriendsWorkload workload) throws Exception {
        Http http = cdc.http();
        long before = http.get("/v1/views/friends").json().get("storageId").asLong();
        long first = startReplay(http).get("id").asLong();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> http.get("/v1/jobs/" + first).json().get("done").asLong() > 0);
        cdc.stopApp();
        workload.run(300);
        cdc.startApp(config);
        Http again = cdc.http();
        // The stop let go of the job's lease; the new process takes it and follows the replay under it.
        JsonNode done = again.awaitJob(first, Duration.ofMinutes(5));
        assertThat(replayJobs(again)).extracting(j -> j.get("id").asLong()).as("no new job").allMatch(id -> id <= first);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
        assertThat(done.at("/result/fromStorageId").asLong()).isEqualTo(before);
        ViewVsSql.awaitExact(cdc::http, workload, "after a replay across a restart", 300);
        exact(again);
        return before;
    }

    /** A cancelled replay leaves the view on its generation and purges the one it built; returns that one. */
    private static long cancelMidway(CdcTestApp cdc, FriendsWorkload workload) throws Exception {
        Http http = cdc.http();
        long before = http.get("/v1/views/friends").json().get("storageId").asLong();
        long id = startReplay(http).get("id").asLong();
        long building = http.get("/v1/views/friends").json().get("pendingStorageId").asLong();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> http.get("/v1/jobs/" + id).json().get("done").asLong() > 0);
        assertThat(http.post("/v1/jobs/" + id + "/cancel", "").status()).isEqualTo(200);
        JsonNode cancelled = http.awaitJob(id, Duration.ofMinutes(2));
        assertThat(cancelled.get("state").asText()).as(cancelled.toString()).isEqualTo("CANCELLED");
        JsonNode view = http.get("/v1/views/friends").json();
        assertThat(view.get("storageId").asLong()).isEqualTo(before);
        assertThat(view.get("pendingStorageId").isNull()).isTrue();
        // Its purge is a PURGE job of the dropped generation.
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> {
            for (JsonNode j : http.get("/v1/jobs?view=friends").json()) {
                if (j.get("type").asText().equals("PURGE") && j.get("state").asText().equals("DONE")
                        && j.at("/result/viewId").asLong() == building) {
                    return true;
                }
            }
            return false;
        });
        workload.run(200);
        ViewVsSql.awaitExact(cdc::http, workload, "after a cancelled replay", 300);
        assertThat(answerOf(http, new Random(3))).isNull();
        return building;
    }

    private static JsonNode startReplay(Http http) {
        Http.Reply started = http.post("/v1/jobs", "{\"type\":\"REPLAY\",\"view\":\"friends\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        assertThat(started.json().get("type").asText()).isEqualTo("REPLAY");
        return started.json();
    }

    /** While a replay builds: a second one, and a change of the definition, are conflicts. */
    private static void refusedWhileReplaying(Http http) {
        Http.Reply twice = http.post("/v1/jobs", "{\"type\":\"REPLAY\",\"view\":\"friends\"}");
        assertThat(twice.status()).as(twice.body()).isEqualTo(409);
        String changed = Examples.text("friends-view.json").replace("\"description\": \"Friendships", "\"description\": \"Changed: friendships");
        Http.Reply put = http.put("/v1/views/friends", changed);
        assertThat(put.status()).as(put.body()).isEqualTo(409);
        assertThat(put.body()).contains("being replayed");
        JsonNode view = http.get("/v1/views/friends").json();
        assertThat(view.get("pendingStorageId").isNull()).as(view.toString()).isFalse();
    }

    private static List<JsonNode> replayJobs(Http http) {
        List<JsonNode> out = new ArrayList<>();
        http.get("/v1/jobs?view=friends").json().forEach(j -> {
            if (j.get("type").asText().equals("REPLAY")) {
                out.add(j);
            }
        });
        return out;
    }

    /** VERIFY and SOURCE_VERIFY both find nothing. */
    private static void exact(Http http) {
        JsonNode verify = SourceVerifyIntegrationTest.job(http, "{\"type\":\"VERIFY\",\"view\":\"friends\"}");
        assertThat(verify.at("/result/exact").asBoolean()).as(verify.toString()).isTrue();
        JsonNode source = SourceVerifyIntegrationTest.job(http, "{\"type\":\"SOURCE_VERIFY\",\"view\":\"friends\"}");
        assertThat(source.at("/result/exact").asBoolean()).as(source.toString()).isTrue();
    }

    /**
     * One query on a node of the static history, checked against what it must answer: a user's OUT
     * count and first page of its scan (100 friends), or a friend's IN count (400 users). Null when right.
     */
    private static String answerOf(Http http, Random random) {
        long user = FIRST + random.nextInt(USERS);
        long friend = FIRST + random.nextInt(FRIENDS);
        return switch (random.nextInt(3)) {
            case 0 -> expect(http, "/v1/views/friends/count?start=" + user + "&direction=OUT", "/counts/0/count", FRIENDS);
            case 1 -> expect(http, "/v1/views/friends/count?start=" + friend + "&direction=IN", "/counts/0/count", USERS);
            default -> {
                Http.Reply r = http.get("/v1/views/friends/scan?start=" + user + "&direction=OUT&index=recent&limit=" + FRIENDS);
                yield r.status() != 200 ? "scan of " + user + ": " + r.status() + " " + r.body()
                        : r.json().get("edges").size() != FRIENDS ? "scan of " + user + " has " + r.json().get("edges").size() + " edges"
                        : null;
            }
        };
    }

    private static String expect(Http http, String path, String pointer, long expected) {
        Http.Reply r = http.get(path);
        if (r.status() != 200) {
            return path + ": " + r.status() + " " + r.body();
        }
        long got = r.json().at(pointer).asLong();
        return got == expected ? null : path + " answered " + got + ", expected " + expected;
    }

    /** Queries on the static history, one after another in a thread, until closed; every wrong answer kept. */
    private static final class QueryLoad implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong answered = new AtomicLong();
        private final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        private final CompletableFuture<Void> loop;

        QueryLoad(Http http) {
            Random random = new Random(7);
            loop = CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    String problem = answerOf(http, random);
                    if (problem != null && wrong.size() < 20) {
                        wrong.add(problem);
                    }
                    answered.incrementAndGet();
                }
            });
        }

        void awaitMore(long n) {
            long target = answered.get() + n;
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= target);
        }

        void assertClean() {
            assertThat(answered.get()).as("queries answered during the replay").isGreaterThan(100);
            assertThat(wrong).as("answers that saw a partial view").isEmpty();
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            loop.get();
        }
    }
}
