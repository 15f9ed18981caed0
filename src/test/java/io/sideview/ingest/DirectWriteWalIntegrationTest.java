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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * wal: kafka — a direct write goes through the WAL to the owner of each node side's partition (here
 * this node's consumer, the path every node takes): the answer is APPLIED once the owners committed
 * past its records (by default, bounded) or ACCEPTED (durable) with {@code wait=accepted}; the WAL
 * consumer applied both sides of each item; the edges then read like any other.
 */
@Tag("integration")
class DirectWriteWalIntegrationTest {
    @ParameterizedTest
    @EnumSource(value = Corner.class, names = {"ROCKSDB_KAFKA", "HBASE_KAFKA"})
    void directWritesGoThroughTheWal(Corner corner) throws Exception {
        List<ConfigOverride> overrides = new ArrayList<>(List.of(Corner.overrides(corner.settings())));
        DropwizardTestSupport<SideviewConfiguration> app = new DropwizardTestSupport<>(SideviewApplication.class,
                TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-direct-wal-"), overrides.toArray(ConfigOverride[]::new)));
        app.before();
        var client = JerseyClientBuilder.createClient();
        try {
            Http http = new Http(client, "http://127.0.0.1:" + app.getLocalPort() + "/api", null);
            assertThat(http.post("/v1/views", Examples.text("follows-view.json")).status()).isEqualTo(201);

            Http.Reply applied = http.post("/v1/views/follows/mutations", Examples.text("follows-mutations.json"));
            assertThat(applied.status()).as(applied.body()).isEqualTo(200);
            assertThat(applied.json().get("results")).hasSize(3)
                    .allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("APPLIED"));
            // Applied means readable now, through the WAL consumer: two sides per item (a BOTH view).
            assertThat(count(http, 1, "OUT")).isEqualTo(2);
            assertThat(count(http, 3, "IN")).isEqualTo(2);
            assertThat(http.get("/v1/ingest/status").json().at("/walConsumer/applied").asLong()).isGreaterThanOrEqualTo(6);

            Http.Reply accepted = http.post("/v1/views/follows/mutations?wait=accepted",
                    "{\"mutations\":[{\"type\":\"INSERT\",\"source\":7,\"target\":8,\"version\":1,\"properties\":{\"created_at\":5}}]}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
            assertThat(accepted.json().at("/results/0/status").asText()).isIn("ACCEPTED", "APPLIED");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count(http, 8, "IN") == 1);

            Http.Reply bad = http.post("/v1/views/follows/mutations?wait=soon", Examples.text("follows-mutations.json"));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("wait").contains("'applied' or 'accepted'");
        } finally {
            client.close();
            app.after();
        }
    }

    private static long count(Http http, long node, String direction) {
        JsonNode c = http.get("/v1/views/follows/count?start=" + node + "&direction=" + direction).json();
        return c.at("/counts/0/count").asLong();
    }
}
