package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.DropwizardTestSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A shard stops mid-workload and comes back: health shows the outage while it lasts, the engine
 * resumes from its offset, and the view is exact afterwards.
 */
class ShardOutageIntegrationTest {
    private static final List<MariaDbShard> SHARDS = new ArrayList<>();
    private static DropwizardTestSupport<SideviewConfiguration> app;
    private static jakarta.ws.rs.client.Client client;

    @BeforeAll
    static void start() throws Exception {
        SHARDS.add(MariaDbShard.start("o0", 301));
        SHARDS.add(MariaDbShard.start("o1", 302));
        Path dir = TestApps.tempDir("sideview-outage-");
        Path file = dir.resolve("sideview.yml");
        Files.writeString(file, Examples.text("sideview-two-shards.yml")
                .replace("${SHARD_PASSWORD}", MariaDbShard.CDC_PASSWORD)
                .replace("port: 3307", "port: " + SHARDS.get(0).port())
                .replace("port: 3308", "port: " + SHARDS.get(1).port())
                .replace("server:\n", "server:\n  requestLog:\n    appenders: []\n"));
        app = new DropwizardTestSupport<>(SideviewApplication.class, file.toString(), TestApps.overrides(dir));
        app.before();
        client = JerseyClientBuilder.createClient();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        app.after();
        for (MariaDbShard s : SHARDS) {
            s.close();
        }
    }

    static Http http() {
        return new Http(client, "http://127.0.0.1:" + app.getLocalPort() + "/api", null);
    }

    private static boolean healthy(String check) {
        return app.getEnvironment().healthChecks().runHealthCheck(check).isHealthy();
    }

    @Test
    void shardOutageIsVisibleAndRecoveredExactly() throws Exception {
        FriendsWorkload workload = new FriendsWorkload(SHARDS, 11);
        workload.createSchema(Examples.text("friends.sql"));
        workload.run(500);
        assertThat(http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
        ViewVsSql.awaitExact(ShardOutageIntegrationTest::http, workload, "before the outage", 120);
        assertThat(healthy("cdc-friends-shard1")).isTrue();

        SHARDS.get(1).stopServer();
        long deadline = System.nanoTime() + 60_000_000_000L;
        boolean sawOutage = false;
        while (System.nanoTime() < deadline && !sawOutage) {
            sawOutage = !healthy("cdc-friends-shard1");
            Thread.sleep(200);
        }
        assertThat(sawOutage).as("health shows the stopped shard").isTrue();
        assertThat(healthy("cdc-friends-shard0")).as("the other shard is fine").isTrue();
        String state = http().get("/v1/ingest/status").json().at("/shards/1/state").asText();
        assertThat(state).isIn("DISCONNECTED", "RETRYING");

        SHARDS.get(1).startServer();
        workload.run(3000);
        ViewVsSql.awaitExact(ShardOutageIntegrationTest::http, workload, "after the shard came back", 180);
        assertThat(healthy("cdc-friends-shard1")).isTrue();
    }
}
