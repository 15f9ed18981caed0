package io.sideview.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import io.sideview.cluster.db.ClusterNodeDao;
import io.sideview.cluster.db.NodeRow;
import io.sideview.ingest.Corner;
import io.sideview.ops.MigrationGuard;
import jakarta.ws.rs.client.Client;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/cluster} on a real service: alone on RocksDB and wal none (every shard here, no
 * partitions), beside a dead node's row, and with wal kafka on a real broker, where the shards and WAL
 * partitions Kafka's groups give this node reach its cluster_nodes row and the answer.
 */
@Tag("integration")
class ClusterApiIntegrationTest {
    private final Path shared = TestApps.tempDir("sideview-cluster-api-");
    private final String url = "jdbc:h2:file:" + shared.resolve("metadata") + ";WRITE_DELAY=0";
    private final Client client = JerseyClientBuilder.createClient();

    @AfterEach
    void close() {
        client.close();
    }

    private DropwizardTestSupport<SideviewConfiguration> node(String name, Map<String, String> settings) {
        List<ConfigOverride> o = new ArrayList<>(List.of(ConfigOverride.randomPorts(),
                ConfigOverride.config("database.url", url),
                ConfigOverride.config("storage.dataDir", TestApps.tempDir("sideview-" + name + "-").toString()),
                ConfigOverride.config("cluster.nodeName", name),
                ConfigOverride.config("cluster.heartbeatInterval", "100ms"),
                ConfigOverride.config("cluster.nodeTimeout", "2s")));
        o.addAll(List.of(Corner.overrides(settings)));
        return new DropwizardTestSupport<>(SideviewApplication.class, TestApps.CONFIG, o.toArray(ConfigOverride[]::new));
    }

    private Http http(DropwizardTestSupport<SideviewConfiguration> app, String token) {
        return new Http(client, "http://127.0.0.1:" + app.getLocalPort() + "/api", token);
    }

    private ClusterNodeDao dao() {
        return Jdbi.create(url, "sa", "").installPlugin(new SqlObjectPlugin()).onDemand(ClusterNodeDao.class);
    }

    @Test
    void oneNodeWithoutKafkaRunsEveryShardAndADeadNodeOwnsNothing() throws Exception {
        DropwizardTestSupport<SideviewConfiguration> app = node("solo", Map.of(
                "auth.adminTokens", "admin-secret", "auth.readerTokens", "reader-secret"));
        app.before();
        try {
            Http reader = http(app, "reader-secret");
            assertThat(http(app, null).get("/v1/cluster").status()).as("read access, as every GET").isEqualTo(401);
            Http.Reply reply = reader.get("/v1/cluster");
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonNode c = reply.json();
            assertThat(c.get("self").asText()).isEqualTo("solo");
            assertThat(c.get("nodes")).hasSize(1);
            JsonNode solo = c.at("/nodes/0");
            assertThat(solo.get("name").asText()).isEqualTo("solo");
            assertThat(solo.get("alive").asBoolean()).isTrue();
            assertThat(solo.get("self").asBoolean()).isTrue();
            assertThat(solo.get("storage").asText()).isEqualTo("rocksdb");
            assertThat(solo.get("wal").asText()).isEqualTo("none");
            assertThat(solo.get("address").asText()).endsWith(":" + app.getLocalPort());
            assertThat(solo.get("lastHeartbeat").asText()).endsWith("Z");
            assertThat(c.get("shards").toString()).isEqualTo("[{\"shard\":\"friends/shard0\",\"group\":\"friends\","
                    + "\"name\":\"shard0\",\"owner\":\"solo\",\"owners\":[\"solo\"],\"orphaned\":false},{\"shard\":"
                    + "\"friends/shard1\",\"group\":\"friends\",\"name\":\"shard1\",\"owner\":\"solo\",\"owners\":[\"solo\"],"
                    + "\"orphaned\":false}]");
            assertThat(c.get("partitions")).isEmpty();
            assertThat(c.get("walConsumer").isNull()).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(dao().all()).singleElement().extracting(NodeRow::shards).isEqualTo("friends/shard0,friends/shard1"));

            // A node that stopped beating a minute ago: listed, dead, and what its row says it ran counts for nothing.
            long now = System.currentTimeMillis();
            dao().insert(new NodeRow("gone", "i-gone", "hbase", "kafka", "http://gone:8080", now - 120_000, now - 60_000,
                    "friends/shard0", "5"));
            c = reader.get("/v1/cluster").json();
            assertThat(c.get("nodes")).extracting(n -> n.get("name").asText() + " alive=" + n.get("alive").asBoolean())
                    .containsExactly("gone alive=false", "solo alive=true");
            assertThat(c.at("/nodes/0/heartbeatAgeMs").asLong()).isGreaterThanOrEqualTo(60_000);
            assertThat(c.at("/shards/0/owners").toString()).isEqualTo("[\"solo\"]");
            assertThat(c.at("/partitions/0").toString())
                    .isEqualTo("{\"partition\":5,\"owner\":null,\"owners\":[],\"orphaned\":true}");

            // Not a method or a representation it has: problem+json.
            Http.Reply post = reader.post("/v1/cluster", "{}");
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.isProblem()).as(post.mediaType()).isTrue();
            Http.Reply twice = reader.get("/v1/cluster?node=a&node=b");
            assertThat(twice.status()).isEqualTo(400);
            assertThat(twice.isProblem()).isTrue();
            assertThat(app.getEnvironment().healthChecks().getNames()).as("without Kafka, shards cannot be orphaned")
                    .doesNotContain(OrphanedShardsHealthCheck.NAME);
        } finally {
            app.after();
        }
    }

    @Test
    void withKafkaTheShardsAndPartitionsTheGroupsGiveThisNodeAreShown() throws Exception {
        migrate();
        long now = System.currentTimeMillis();
        // A node that died long ago holding both shards: they are this node's now.
        dao().insert(new NodeRow("gone", "i-gone", "hbase", "kafka", "", now - 120_000, now - 60_000,
                "friends/shard0,friends/shard1", "0,1,2,3"));
        DropwizardTestSupport<SideviewConfiguration> app = node("k1", Corner.ROCKSDB_KAFKA.settings());
        app.before();
        try {
            Http h = http(app, null);
            JsonNode c = Awaitility.await("Kafka gives this node both shards and the four WAL partitions")
                    .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> h.get("/v1/cluster").json(), j -> j.get("shards").findValues("owner").stream()
                            .allMatch(o -> o.asText().equals("k1")) && j.get("partitions").size() == 4
                            && j.get("partitions").findValues("owner").stream().allMatch(o -> o.asText().equals("k1")));
            assertThat(c.at("/nodes/1/name").asText()).isEqualTo("k1");
            assertThat(c.at("/nodes/1/partitions").toString()).isEqualTo("[0,1,2,3]");
            assertThat(c.at("/nodes/1/wal").asText()).isEqualTo("kafka");
            assertThat(c.get("shards").findValues("orphaned")).allMatch(o -> !o.asBoolean());
            assertThat(c.get("walConsumer").has("lagRecords")).isTrue();
            // Published through the heartbeat: another node reads the same from the row.
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(dao().all())
                    .filteredOn(r -> r.name().equals("k1")).singleElement().satisfies(r -> {
                        assertThat(r.shards()).isEqualTo("friends/shard0,friends/shard1");
                        assertThat(r.partitions()).isEqualTo("0,1,2,3");
                    }));
            var health = app.getEnvironment().healthChecks().runHealthCheck(OrphanedShardsHealthCheck.NAME);
            assertThat(health.isHealthy()).as(health.getMessage()).isTrue();
            assertThat(health.getMessage()).isEqualTo("2 shard(s), each run by a live node");
        } finally {
            app.after();
        }
    }

    private void migrate() throws Exception {
        DataSourceFactory db = new DataSourceFactory();
        db.setDriverClass("org.h2.Driver");
        db.setUrl(url);
        db.setUser("sa");
        db.setPassword("");
        MigrationGuard.run(db, new MetricRegistry(), true);
    }
}
