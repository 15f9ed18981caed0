package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import io.sideview.storage.hbase.MiniHBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The other corner of the matrix: wal kafka (engines publish mapped mutations to a real in-JVM
 * Kafka broker, offsets and schema history in Kafka topics, a consumer group applies) into HBase
 * (the real mini cluster, salted keys). Snapshot copy plus 10,000 changes must equal SQL.
 */
class KafkaHBaseCdcIntegrationTest {
    private static final List<MariaDbShard> SHARDS = new ArrayList<>();
    private static DropwizardTestSupport<SideviewConfiguration> app;
    private static jakarta.ws.rs.client.Client client;

    @BeforeAll
    static void start() throws Exception {
        SHARDS.add(MariaDbShard.start("k0", 401));
        SHARDS.add(MariaDbShard.start("k1", 402));
        Path dir = TestApps.tempDir("sideview-kafka-");
        Path file = dir.resolve("sideview.yml");
        Files.writeString(file, Examples.text("sideview-two-shards.yml")
                .replace("${SHARD_PASSWORD}", MariaDbShard.CDC_PASSWORD)
                .replace("port: 3307", "port: " + SHARDS.get(0).port())
                .replace("port: 3308", "port: " + SHARDS.get(1).port())
                .replace("server:\n", "server:\n  requestLog:\n    appenders: []\n"));
        String suffix = String.valueOf(System.nanoTime());
        app = new DropwizardTestSupport<>(SideviewApplication.class, file.toString(), TestApps.overrides(dir,
                ConfigOverride.config("wal.mode", "kafka"),
                ConfigOverride.config("wal.kafka.bootstrapServers", KafkaBroker::bootstrapServers),
                ConfigOverride.config("wal.kafka.topic", "wal-" + suffix),
                ConfigOverride.config("wal.kafka.partitions", "4"),
                ConfigOverride.config("wal.kafka.offsetsTopic", "offsets-" + suffix),
                ConfigOverride.config("storage.type", "hbase"),
                ConfigOverride.config("storage.saltBuckets", "16"),
                ConfigOverride.config("storage.hbase.zookeeperQuorum", MiniHBase::quorum),
                ConfigOverride.config("storage.hbase.table", "cdc_" + suffix),
                ConfigOverride.config("storage.hbase.regions", "4")));
        app.before();
        client = JerseyClientBuilder.createClient();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        app.after();
        for (MariaDbShard s : SHARDS) {
            s.close();
        }
    }

    static Http http() {
        return new Http(client, "http://127.0.0.1:" + app.getLocalPort() + "/api", null);
    }

    @Test
    void kafkaWalIntoHBaseEqualsSql() throws Exception {
        FriendsWorkload workload = new FriendsWorkload(SHARDS, 5);
        workload.createSchema(Examples.text("friends.sql"));
        workload.run(1000);
        assertThat(http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
        ViewVsSql.awaitExact(KafkaHBaseCdcIntegrationTest::http, workload, "after the history copy", 180);
        workload.run(10_000);
        ViewVsSql.awaitExact(KafkaHBaseCdcIntegrationTest::http, workload, "after the workload", 240);

        JsonNode status = http().get("/v1/ingest/status").json();
        assertThat(status.get("wal").asText()).isEqualTo("kafka");
        assertThat(app.getEnvironment().healthChecks().runHealthCheck("wal-kafka").isHealthy()).isTrue();
        assertThat(app.getEnvironment().healthChecks().runHealthCheck("storage").isHealthy()).isTrue();
    }
}
