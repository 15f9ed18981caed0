package io.sideview.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import io.sideview.ingest.Corner;
import io.sideview.registry.health.RegistryHealthCheck;
import jakarta.ws.rs.client.Client;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one metadata DB (one H2 file: two pools in one JVM share the open database), one
 * HBase table and one Kafka WAL (several nodes need both: a second node on RocksDB or wal none is
 * refused): a view created, deactivated or deleted through node A is seen so by node B
 * within a second of A's answer. B queries the view first, so what it must notice is held in its
 * catalog (which alone would keep a deactivated view for its 5 s TTL).
 */
@Tag("integration")
class RegistryPollIntegrationTest {
    private static final Duration WITHIN = Duration.ofSeconds(1);
    private static final String QUERY = "/v1/views/follows/count?start=1";
    private static DropwizardTestSupport<SideviewConfiguration> a;
    private static DropwizardTestSupport<SideviewConfiguration> b;
    private static Client client;
    private static String db;

    @BeforeAll
    static void start() throws Exception {
        Path shared = TestApps.tempDir("sideview-two-nodes-");
        db = "jdbc:h2:file:" + shared.resolve("metadata") + ";WRITE_DELAY=0";
        // One ConfigOverride set per node: an override remembers the system property it replaced, so one
        // shared by both would restore b's value, "hbase", after both stopped, for every later test.
        Map<String, String> cluster = Corner.HBASE_KAFKA.settings();
        a = node(shared.resolve("a"), db, Corner.overrides(cluster));
        b = node(shared.resolve("b"), db, Corner.overrides(cluster));
        client = JerseyClientBuilder.createClient();
    }

    /** Not TestApps.overrides: a second database.url beside its own is not reliably the one that wins. */
    private static DropwizardTestSupport<SideviewConfiguration> node(Path dir, String db, ConfigOverride... cluster)
            throws Exception {
        List<ConfigOverride> overrides = new ArrayList<>(List.of(ConfigOverride.randomPorts(),
                ConfigOverride.config("database.url", db), ConfigOverride.config("storage.dataDir", dir.toString())));
        overrides.addAll(List.of(cluster));
        DropwizardTestSupport<SideviewConfiguration> app = new DropwizardTestSupport<>(SideviewApplication.class,
                TestApps.CONFIG, overrides.toArray(ConfigOverride[]::new));
        app.before();
        return app;
    }

    @AfterAll
    static void stop() {
        client.close();
        b.after();
        a.after();
    }

    private static Http http(DropwizardTestSupport<SideviewConfiguration> app) {
        return new Http(client, "http://127.0.0.1:" + app.getLocalPort() + "/api", null);
    }

    @Test
    void aChangeThroughOneNodeReachesTheOtherWithinASecond() {
        assertThat(http(b).get(QUERY).status()).isEqualTo(404);

        assertThat(http(a).post("/v1/views", Examples.text("follows-view.json")).status()).isEqualTo(201);
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(http(b).get(QUERY).status()).isEqualTo(200));

        assertThat(http(a).post("/v1/views/follows/deactivate", "").status()).isEqualTo(200);
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(http(b).get(QUERY).status()).isEqualTo(409));

        assertThat(http(a).post("/v1/views/follows/activate", "").status()).isEqualTo(200);
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(http(b).get(QUERY).status()).isEqualTo(200));

        assertThat(http(a).post("/v1/views/follows/deactivate", "").status()).isEqualTo(200);
        assertThat(http(a).delete("/v1/views/follows").status()).isEqualTo(204);
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(http(b).get(QUERY).status()).isEqualTo(404));

        for (var node : java.util.List.of(a, b)) {
            assertThat(node.getEnvironment().healthChecks().runHealthCheck(RegistryHealthCheck.NAME).isHealthy()).isTrue();
        }
    }

    /**
     * The change counter made unreadable (its table renamed away; everything else of the DB still
     * answers): after registry.pauseAfter (2 s) writes are refused and the registry check fails; once it
     * reads again, both are back.
     */
    @Test
    void aNodeThatCannotReadTheRegistryPausesWritesAndResumesWhenItCan() throws Exception {
        Http nodeA = http(a);
        assertThat(nodeA.post("/v1/views", Examples.text("follows-view.json").replace("\"follows\"", "\"paused\""))
                .status()).isEqualTo(201);
        String write = Examples.text("follows-mutations.json");
        assertThat(nodeA.post("/v1/views/paused/mutations", write).status()).isEqualTo(200);
        try {
            sql("ALTER TABLE registry_changes RENAME TO registry_changes_away");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(nodeA.post("/v1/views/paused/mutations", write).status()).isEqualTo(503));
            assertThat(nodeA.post("/v1/views/paused/mutations", write).body()).contains("writes are paused");
            assertThat(a.getEnvironment().healthChecks().runHealthCheck(RegistryHealthCheck.NAME).isHealthy()).isFalse();
        } finally {
            sql("ALTER TABLE registry_changes_away RENAME TO registry_changes");
        }
        await().atMost(WITHIN).untilAsserted(() ->
                assertThat(nodeA.post("/v1/views/paused/mutations", write).status()).isEqualTo(200));
        assertThat(a.getEnvironment().healthChecks().runHealthCheck(RegistryHealthCheck.NAME).isHealthy()).isTrue();
    }

    private static void sql(String statement) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(db, "sa", ""); var st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
