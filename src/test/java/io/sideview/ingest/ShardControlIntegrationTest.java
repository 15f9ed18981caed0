package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.RawHttp;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An operator pauses, resumes and restarts a shard's engine against two real MariaDB shards: while
 * paused, the other shard keeps streaming and the paused one's changes wait on it (not in the view),
 * health stays healthy and says who paused it, the paused gauge is 1; after the resume the view equals
 * SQL; after a restart it streams again with nothing lost. Both doors (admin tasks, REST) are used.
 */
@Tag("integration")
class ShardControlIntegrationTest {
    /** Outside the workload's friend ids: only the rows written here have it. */
    private static final long MARKER = 10_000;
    private static CdcTestApp cdc;
    private static FriendsWorkload workload;

    @BeforeAll
    static void start() throws Exception {
        cdc = new CdcTestApp("pz", 401).startApp();
        workload = cdc.workload(23);
        workload.run(300);
        assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
        ViewVsSql.awaitExact(cdc::http, workload, "after the history copy", 120);
        workload.run(200);
        ViewVsSql.awaitExact(cdc::http, workload, "before any pause", 120);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cdc != null) {
            cdc.close();
        }
    }

    private static RawHttp.Reply task(String query) {
        return RawHttp.send(cdc.app().getAdminPort(), "POST", "/tasks/" + query, Map.of());
    }

    private static String line(String query) {
        RawHttp.Reply r = task(query);
        assertThat(r.status()).as(query + ": " + r.body()).isEqualTo(200);
        assertThat(r.body().strip()).as("one line").doesNotContain("\n");
        return r.body().strip();
    }

    private static JsonNode shard(int i) {
        return cdc.http().get("/v1/ingest/status").json().at("/shards/" + i);
    }

    /** How many friends {@link #MARKER} has in the view (IN): one row per shard is written below. */
    private static long markerCount() {
        return cdc.http().get("/v1/views/friends/count?start=" + MARKER + "&direction=IN").json().at("/counts/0/count").asLong();
    }

    private static void insertMarker(int shard, long user) throws Exception {
        cdc.shards.get(shard).execute("INSERT INTO social.friends (user_id, friend_id, nickname, favorite, status, created_at, updated_at)"
                + " VALUES (" + user + ", " + MARKER + ", 'marker', FALSE, 'ACTIVE', 1700000000000, 1700000000000)");
    }

    private static void awaitState(int shard, String state) {
        Awaitility.await(shard + " " + state).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> shard(shard).get("state").asText(), state::equals);
    }

    @Test
    void pauseHoldsChangesOnTheShardResumeDeliversThemAndRestartLosesNothing() throws Exception {
        // Pause shard1 through the admin task.
        assertThat(line("shard-pause?group=friends&shard=shard1"))
                .matches("friends/shard1 PAUSED by operator at binlog\\.\\d+:\\d+\\S*: its engine stopped with its offsets committed; changes wait on"
                        + " the shard until shard-resume");
        JsonNode paused = shard(1);
        assertThat(paused.get("state").asText()).isEqualTo("PAUSED");
        assertThat(paused.at("/paused/by").asText()).isEqualTo("operator");
        assertThat(paused.at("/paused/via").asText()).isEqualTo("admin task shard-pause");
        assertThat(line("shard-pause?group=friends&shard=shard1")).startsWith("friends/shard1 is already PAUSED (by operator via"
                + " admin task shard-pause since ");
        assertThat(line("shard-restart?group=friends&shard=shard1")).contains("not restarted; shard-resume starts it");

        // Health: healthy with a note, readiness stays up; the gauge says paused.
        var check = cdc.app().getEnvironment().healthChecks().runHealthCheck("cdc-friends-shard1");
        assertThat(check.isHealthy()).isTrue();
        assertThat(check.getMessage()).startsWith("PAUSED by operator (admin task shard-pause) since ");
        RawHttp.Reply ready = RawHttp.send(cdc.app().getAdminPort(), "GET", "/health-check?type=ready", Map.of());
        assertThat(ready.status()).as("a pause is not a fault: " + ready.body()).isEqualTo(200);
        String prometheus = RawHttp.send(cdc.app().getAdminPort(), "GET", "/metrics/prometheus", Map.of()).body();
        assertThat(prometheus).contains("sideview_shard_paused{group=\"friends\",shard=\"shard1\",} 1.0")
                .contains("sideview_shard_paused{group=\"friends\",shard=\"shard0\",} 0.0");

        // Changes made meanwhile: shard0's arrive, shard1's wait on the shard.
        workload.run(400);
        insertMarker(0, 0);
        insertMarker(1, 1);
        Awaitility.await("shard0 streams on").atMost(Duration.ofSeconds(60)).until(() -> markerCount() == 1);
        Thread.sleep(3000);
        assertThat(markerCount()).as("shard1's row is not in the view while it is paused").isEqualTo(1);
        assertThat(shard(1).get("state").asText()).isEqualTo("PAUSED");
        assertThat(ViewVsSql.difference(cdc.http(), workload, "friends")).as("the view lacks shard1's changes").isNotNull();

        // Resume: the rows arrive, the view equals SQL.
        assertThat(line("shard-resume?group=friends&shard=shard1")).startsWith("friends/shard1 resumed (PAUSED by operator since ")
                .endsWith("its engine starts from its committed offsets");
        assertThat(line("shard-resume?group=friends&shard=shard1")).startsWith("friends/shard1 is not paused (it is ");
        ViewVsSql.awaitExact(cdc::http, workload, "after the resume", 120);
        assertThat(markerCount()).isEqualTo(2);
        assertThat(shard(1).get("paused").isNull()).isTrue();

        // Restart: streaming again, nothing lost.
        assertThat(line("shard-restart?group=friends&shard=shard1"))
                .isEqualTo("friends/shard1 restarted: its engine stopped and starts again from its committed offsets");
        workload.run(400);
        awaitState(1, "STREAMING");
        ViewVsSql.awaitExact(cdc::http, workload, "after the restart", 120);
        assertThat(cdc.healthy("cdc-friends-shard1")).isTrue();
    }

    @Test
    void theRestEndpointsShareTheServiceAndRefuseUnknownShards() throws Exception {
        Http api = cdc.http();
        Http.Reply pause = api.post("/v1/ingest/shards/friends/shard0/pause", "");
        assertThat(pause.status()).as(pause.body()).isEqualTo(200);
        assertThat(pause.json().get("state").asText()).isEqualTo("PAUSED");
        assertThat(pause.json().at("/paused/via").asText()).isEqualTo("POST /api/v1/ingest/shards/friends/shard0/pause");
        assertThat(api.post("/v1/ingest/shards/friends/shard0/pause", "").json().get("state").asText()).as("idempotent")
                .isEqualTo("PAUSED");
        assertThat(line("shard-pause?group=friends&shard=shard0")).as("the task sees the same pause")
                .contains("already PAUSED (by operator via POST /api/v1/ingest/shards/friends/shard0/pause");
        Http.Reply resume = api.post("/v1/ingest/shards/friends/shard0/resume", "");
        assertThat(resume.status()).as(resume.body()).isEqualTo(200);
        assertThat(resume.json().get("state").asText()).isNotEqualTo("PAUSED");
        assertThat(resume.json().get("paused").isNull()).isTrue();
        assertThat(api.post("/v1/ingest/shards/friends/shard0/resume", "").status()).as("idempotent").isEqualTo(200);
        awaitState(0, "STREAMING");

        for (String path : new String[] {"/v1/ingest/shards/friends/shard9/pause", "/v1/ingest/shards/enemies/shard0/resume"}) {
            Http.Reply r = api.post(path, "");
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.isProblem()).as(path).isTrue();
        }
    }

    @Test
    void badTaskParametersAre400ProblemsNamingTheParameter() {
        String[][] cases = {
            {"shard-pause?group=friends", "shard"},
            {"shard-resume?shard=shard1", "group"},
            {"shard-restart", "group"},
            {"shard-pause?group=enemies&shard=shard1", "group"},
            {"shard-pause?group=friends&shard=shard9", "shard"},
            {"shard-resume?group=friends&shard=shard1&shard=shard0", "shard"},
        };
        for (String[] c : cases) {
            RawHttp.Reply r = task(c[0]);
            assertThat(r.status()).as(c[0] + ": " + r.body()).isEqualTo(400);
            assertThat(r.isProblem()).as(c[0]).isTrue();
            assertThat(r.body()).as(c[0]).contains("\"field\":\"" + c[1] + "\"");
        }
        assertThat(task("shard-pause?group=friends&shard=shard9").body()).contains("its shards: shard0, shard1");
        assertThat(task("shard-pause?group=friends&shard=%FF").status()).as("malformed").isEqualTo(400);
        assertThat(shard(0).get("state").asText()).as("nothing was paused").isNotEqualTo("PAUSED");
    }
}
