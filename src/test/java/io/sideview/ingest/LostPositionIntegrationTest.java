package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.sideview.Examples;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With the service stopped, rows are inserted, updated and deleted on both shards and shard0's
 * binary logs are purged past the position its engine needs. At the next start shard0's engine
 * starts a new stream, its views are copied again and repaired against the source (RECOPY by itself;
 * WAIT after an operator's go-ahead, meanwhile POSITION_LOST and unhealthy), and the view equals SQL:
 * no ghost edge is left from a delete made during the gap.
 */
@Tag("integration")
class LostPositionIntegrationTest {

    @ParameterizedTest
    @EnumSource(LostPosition.class)
    void aPurgedPositionIsRecoveredWithACopyAndARepair(LostPosition policy) throws Exception {
        try (CdcTestApp cdc = new CdcTestApp("lost" + policy.ordinal(), 300 + 10 * policy.ordinal())) {
            ConfigOverride onLost = ConfigOverride.config("sources.friends.onLostPosition", policy.name());
            FriendsWorkload workload = cdc.workload(17);
            workload.run(2000);
            cdc.startApp(onLost);
            assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
            ViewVsSql.awaitExact(cdc::http, workload, "before the gap", 120);
            cdc.stopApp();

            workload.run(3000);  // inserts, updates, soft and hard deletes, key moves: all in the gap
            MariaDbShard shard0 = cdc.shards.get(0);
            shard0.execute("FLUSH BINARY LOGS");
            String current = currentBinlog(shard0);
            // The server keeps a file a dump thread still reads (the stopped engine's, until it notices): retry.
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                shard0.execute("PURGE BINARY LOGS TO '" + current + "'");
                return binlogFiles(shard0) == 1;
            });

            cdc.startApp(onLost);
            if (policy == LostPosition.WAIT) {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                        shard(cdc, "shard0").get("state").asText().equals("POSITION_LOST"));
                assertThat(cdc.healthy("cdc-friends-shard0")).isFalse();
                assertThat(shard(cdc, "shard0").get("lastError").asText()).contains("binlog position lost");
                assertThat(cdc.http().post("/v1/ingest/shards/friends/shard1/recover", "").status())
                        .as("shard1 did not lose its position").isEqualTo(409);
                assertThat(cdc.http().post("/v1/ingest/shards/friends/nope/recover", "").status()).isEqualTo(404);
                assertThat(cdc.http().post("/v1/ingest/shards/friends/shard0/recover", "").status()).isEqualTo(200);
            }
            ViewVsSql.awaitExact(cdc::http, workload, policy + ": after the lost position", 240);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> cdc.healthy("cdc-friends-shard0"));
            JsonNode jobs = cdc.http().get("/v1/jobs?view=friends").json();
            assertThat(jobs.findValuesAsText("detail")).as("shard0's copy was done again")
                    .filteredOn(d -> d.contains("friends/shard0, from the first row")).hasSize(2);
            assertThat(jobs.findValuesAsText("detail")).as("shard1 kept its stream and its copy")
                    .filteredOn(d -> d.contains("friends/shard1, from the first row")).hasSize(1);
        }
    }

    private static String currentBinlog(MariaDbShard shard) throws Exception {
        try (var c = shard.root(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int binlogFiles(MariaDbShard shard) throws Exception {
        int n = 0;
        try (var c = shard.root(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }

    private static JsonNode shard(CdcTestApp cdc, String name) {
        for (JsonNode s : cdc.http().get("/v1/ingest/status").json().get("shards")) {
            if (s.get("shard").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no shard " + name);
    }
}
