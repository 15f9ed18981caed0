package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.Examples;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A shard stops mid-workload and comes back: health shows the outage while it lasts, the engine
 * resumes from its offset, and the view is exact afterwards.
 */
@Tag("integration")
class ShardOutageIntegrationTest {
    private static CdcTestApp cdc;

    @BeforeAll
    static void start() throws Exception {
        cdc = new CdcTestApp("o", 301).startApp();
    }

    @AfterAll
    static void stop() throws Exception {
        cdc.close();
    }

    @Test
    void shardOutageIsVisibleAndRecoveredExactly() throws Exception {
        FriendsWorkload workload = cdc.workload(11);
        workload.run(500);
        assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
        ViewVsSql.awaitExact(cdc::http, workload, "before the outage", 120);
        assertThat(cdc.healthy("cdc-friends-shard1")).isTrue();

        cdc.shards.get(1).stopServer();
        Awaitility.await("health shows the stopped shard").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> !cdc.healthy("cdc-friends-shard1"));
        assertThat(cdc.healthy("cdc-friends-shard0")).as("the other shard is fine").isTrue();
        String state = cdc.http().get("/v1/ingest/status").json().at("/shards/1/state").asText();
        assertThat(state).isIn("DISCONNECTED", "RETRYING");

        cdc.shards.get(1).startServer();
        workload.run(3000);
        ViewVsSql.awaitExact(cdc::http, workload, "after the shard came back", 180);
        assertThat(cdc.healthy("cdc-friends-shard1")).isTrue();
        var shard1 = cdc.http().get("/v1/ingest/status").json().at("/shards/1");
        assertThat(shard1.get("lastError").isNull()).as("the outage's error is cleared once changes apply again: %s", shard1).isTrue();
    }
}
