package io.sideview.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import io.sideview.storage.hbase.MiniHBase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole service on the real HBase mini cluster: salted keys, a pre-split table created at start, health. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class HBaseServiceIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-hbase-"),
                    MiniHBase.serviceOverrides("service_").toArray(ConfigOverride[]::new)));

    @Test
    void walkThroughOnHBase() {
        Http http = new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null);
        assertThat(http.post("/v1/views", Examples.text("follows-view.json")).status()).isEqualTo(201);
        Http.Reply written = http.post("/v1/views/follows/mutations", Examples.text("follows-mutations.json"));
        assertThat(written.status()).as(written.body()).isEqualTo(200);

        assertThat(http.get("/v1/views/follows/edge?source=1&target=3").json().get("edges")).hasSize(1);
        JsonNode counts = http.get("/v1/views/follows/count?start=1&start=2").json();
        assertThat(counts.get("counts")).extracting(c -> c.get("count").asLong()).containsExactly(2L, 1L);
        JsonNode reverse = http.get("/v1/views/follows/scan?start=3&direction=IN&index=recent").json();
        assertThat(reverse.get("edges")).extracting(e -> e.get("source").asLong()).containsExactly(2L, 1L);
        assertThat(http.get("/v1/views/follows/mutual?a=1&b=2").json().get("targets")).extracting(JsonNode::asLong).containsExactly(3L);

        String delete = "{\"mutations\":[{\"type\":\"DELETE\",\"source\":1,\"target\":3,\"version\":1700000009000}]}";
        assertThat(http.post("/v1/views/follows/mutations", delete).json().at("/results/0/status").asText()).isEqualTo("DELETED");
        assertThat(http.get("/v1/views/follows/count?start=3&direction=IN").json().at("/counts/0/count").asLong()).isEqualTo(1);

        assertThat(APP.getEnvironment().healthChecks().runHealthCheck("storage").isHealthy()).isTrue();
        // the queries above went through read coalescing (storage.hbase.readsInFlight defaults to 1)
        var gauges = APP.getEnvironment().metrics().getGauges();
        long asked = (Long) gauges.get("storage.queryReads.asked").getValue();
        long sent = (Long) gauges.get("storage.queryReads.sent").getValue();
        assertThat(asked).isGreaterThanOrEqualTo(6);
        assertThat(sent).isPositive().isLessThanOrEqualTo(asked);
    }
}
