package io.sideview.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Http;
import io.sideview.RawHttp;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With tokens configured, the admin port needs the admin token; its probes stay open. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class AdminPortIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-adminport-"),
                    ConfigOverride.config("auth.adminTokens", "admin-secret"),
                    ConfigOverride.config("auth.readerTokens", "reader-secret")));

    private static final String VIEW = "{\"name\":\"guarded\",\"sourceType\":\"long\",\"targetType\":\"long\","
            + "\"direction\":\"OUT\",\"properties\":[],\"indexes\":[]}";

    private static RawHttp.Reply admin(String method, String path, String token) {
        return RawHttp.send(APP.getAdminPort(), method, path,
                token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    @Test
    void everyTaskAndToolNeedsTheAdminToken() {
        Http api = new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", "admin-secret");
        assertThat(api.post("/v1/views", VIEW).status()).isEqualTo(201);
        String[][] calls = {
            {"POST", "/tasks/view-deactivate?name=guarded"}, {"POST", "/tasks/view-list"}, {"POST", "/tasks/gc"},
            {"POST", "/tasks/log-level?logger=io.sideview&level=INFO"}, {"GET", "/threads"}, {"GET", "/pprof"},
            {"GET", "/metrics"}, {"GET", "/metrics/prometheus"}, {"POST", "/tasks/drain"}, {"POST", "/tasks/undrain"},
            {"POST", "/tasks/view-verify?name=guarded"}, {"POST", "/tasks/view-rebuild?name=guarded"},
            {"POST", "/tasks/view-replay?name=guarded"},
            {"POST", "/tasks/shard-pause?group=friends&shard=shard0"}, {"POST", "/tasks/shard-resume?group=friends&shard=shard0"},
            {"POST", "/tasks/shard-restart?group=friends&shard=shard0"},
            {"GET", "/"},
        };
        for (String[] call : calls) {
            RawHttp.Reply none = admin(call[0], call[1], null);
            assertThat(none.status()).as(call[1]).isEqualTo(401);
            assertThat(none.isProblem()).as(call[1]).isTrue();
            assertThat(none.header("WWW-Authenticate")).as(call[1]).startsWith("Bearer");
            assertThat(admin(call[0], call[1], "wrong").status()).as(call[1]).isEqualTo(401);
            assertThat(admin(call[0], call[1], "reader-secret").status()).as(call[1]).isEqualTo(403);
        }
        assertThat(api.get("/v1/views/guarded").json().get("status").asText()).as("nothing ran").isEqualTo("ACTIVE");
        assertThat(api.get("/v1/ingest/status").json().at("/shards/0/state").asText()).as("nothing paused").isNotEqualTo("PAUSED");
        RawHttp.Reply ok = admin("POST", "/tasks/view-deactivate?name=guarded", "admin-secret");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).contains("is INACTIVE (was ACTIVE)");
        assertThat(admin("GET", "/threads", "admin-secret").status()).isEqualTo(200);
        assertThat(admin("GET", "/metrics/prometheus", "admin-secret").status()).as("like /metrics").isEqualTo(200);
        RawHttp.Reply ready = admin("GET", "/health-check?type=ready", null);
        assertThat(ready.status()).as("nothing drained it: " + ready.body()).isEqualTo(200);
        assertThat(admin("POST", "/tasks/view-list?access_token=admin-secret", null).status()).isEqualTo(401);
    }

    /** view-verify and view-rebuild hand the view's job over and print its id; the job runs to DONE. */
    @Test
    void viewJobTasksQueueTheJobAndPrintItsId() {
        Http api = new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", "admin-secret");
        assertThat(api.post("/v1/views", VIEW.replace("guarded", "tasked")).status()).isEqualTo(201);
        for (String[] task : new String[][] {{"view-verify", "VERIFY"}, {"view-rebuild", "REBUILD"}}) {
            RawHttp.Reply r = admin("POST", "/tasks/" + task[0] + "?name=tasked", "admin-secret");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            String line = r.body().strip();
            assertThat(line).matches(task[1] + " of view 'tasked' (queued as|is already \\w+ as) job \\d+; GET /api/v1/jobs/\\d+");
            long id = Long.parseLong(line.replaceAll(".* job (\\d+);.*", "$1"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> api.get("/v1/jobs/" + id).json().get("state").asText(), "DONE"::equals);
            assertThat(api.get("/v1/jobs/" + id).json().get("type").asText()).isEqualTo(task[1]);
        }
        // What the job service refuses is one line: a replay needs a view bound to source tables.
        RawHttp.Reply replay = admin("POST", "/tasks/view-replay?name=tasked", "admin-secret");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body()).startsWith("refused: ");
        assertThat(admin("POST", "/tasks/view-verify?name=nosuchview", "admin-secret").body()).startsWith("refused: ");
        RawHttp.Reply noName = admin("POST", "/tasks/view-verify", "admin-secret");
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.body()).contains("\"field\":\"name\"");
    }

    @Test
    void probesStayOpen() {
        assertThat(admin("GET", "/healthcheck", null).status()).isEqualTo(200);
        assertThat(admin("GET", "/ping", null).status()).isEqualTo(200);
        // Liveness and readiness are probes too: a load balancer or orchestrator calls them without a token.
        for (String probe : new String[] {"/health-check?type=alive", "/health-check?type=ready&name=all"}) {
            RawHttp.Reply r = admin("GET", probe, null);
            assertThat(r.status()).as(probe + ": " + r.body()).isEqualTo(200);
        }
    }

    @Test
    void taskInputErrorsAre4xx() {
        String[] paths = {
            "/tasks/log-level?logger=io.sideview&level=INFO&duration=NaN",
            "/tasks/log-level?logger=io.sideview&level=INFO&duration=-PT1S",
            "/tasks/log-level?logger=io.sideview&level=LOUD",
            "/tasks/view-deactivate?name=%00",
            "/tasks/view-deactivate?name=" + "x".repeat(5000),
            "/tasks/view-deactivate?name=Bad%20Name",
            "/tasks/view-deactivate?name=",
            "/tasks/view-deactivate?name=%ED%A0%80",
            "/tasks/view-deactivate?name=%FF",
            "/tasks/shard-pause",
            "/tasks/shard-pause?group=friends",
            "/tasks/shard-resume?group=nosuch&shard=shard0",
            "/tasks/shard-restart?group=friends&shard=nosuch",
            "/tasks/shard-pause?group=friends&shard=%FF",
            "/tasks/shard-pause?group=friends&group=friends&shard=shard0",
        };
        for (String path : paths) {
            RawHttp.Reply r = admin("POST", path, "admin-secret");
            assertThat(r.status()).as(path + ": " + r.body()).isBetween(400, 499);
        }
    }
}
