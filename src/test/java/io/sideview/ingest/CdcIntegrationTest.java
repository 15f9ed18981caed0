package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.Examples;
import io.sideview.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The seed's story end to end, on real MariaDB shards: two shards with ROW binlog, the documented
 * two-shard config and friends view, a snapshot of existing rows and then a random workload; the
 * view must equal SQL over both shards for every user and every friend (count, newest-first scan,
 * reverse count and reverse scan). A poison row lands in the dead letters and the rest flows on.
 */
@Tag("integration")
class CdcIntegrationTest {
    private static CdcTestApp cdc;
    private static FriendsWorkload workload;

    @BeforeAll
    static void start() throws Exception {
        cdc = new CdcTestApp("s", 101);
        workload = cdc.workload(42);
        workload.run(1500);
        cdc.startApp();
        assertThat(http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() throws Exception {
        cdc.close();
    }

    static Http http() {
        return cdc.http();
    }

    @Test
    void snapshotThenWorkloadEqualsSqlOverBothShards() throws Exception {
        awaitExact("after the snapshot");
        int ran = workload.run(10_000);
        assertThat(ran).isGreaterThanOrEqualTo(10_000);
        cdc.shards.get(0).execute("INSERT INTO social.friends (user_id, friend_id, status, created_at, updated_at) VALUES (0, 9999, 'ACTIVE', NULL, 1)");
        workload.run(300);
        awaitExact("after the workload");

        JsonNode dead = http().get("/v1/ingest/dead-letters").json();
        assertThat(dead).anySatisfy(d -> {
            assertThat(d.get("view").asText()).isEqualTo("friends");
            assertThat(d.get("reason").asText()).contains("created_at is NULL");
            assertThat(d.get("position").asText()).contains("binlog");
        });
        Http.Reply statusReply = http().get("/v1/ingest/status");
        assertThat(statusReply.body()).as("secrets never reach API answers").doesNotContain(MariaDbShard.CDC_PASSWORD);
        JsonNode status = statusReply.json();
        assertThat(status.get("shards")).hasSize(2).allSatisfy(s -> {
            assertThat(s.get("state").asText()).isEqualTo("STREAMING");
            assertThat(s.get("tables").get(0).asText()).isEqualTo("social.friends");
            assertThat(s.get("eventsApplied").asLong()).isPositive();
        });
        assertThat(cdc.healthy("cdc-friends-shard0")).isTrue();

        // A view on a second table of the running shards gets that table's history and changes, and
        // the first table is not copied again (its history record is untouched, its view stays exact).
        JsonNode friendsCopies = http().get("/v1/ingest/status").json().at("/shards/0/backfills/friends");
        assertThat(friendsCopies.asText()).startsWith("DONE");
        for (MariaDbShard s : cdc.shards) {
            s.execute("CREATE TABLE social.blocks (user_id BIGINT NOT NULL, blocked_id BIGINT NOT NULL, created_at BIGINT NOT NULL, "
                    + "weight DECIMAL(8,2) NOT NULL DEFAULT 12.50, level TINYINT(1) NOT NULL DEFAULT 1, PRIMARY KEY (user_id, blocked_id))");
        }
        for (int u = 0; u < 40; u++) {
            workload.shardOf(u).execute("INSERT INTO social.blocks (user_id, blocked_id, created_at) VALUES (" + u + ", " + (u + 1) % 40 + ", " + (1000 + u) + ")");
        }
        String blocksView = """
                {"name":"blocks","sourceType":"long","targetType":"long","direction":"BOTH",
                 "properties":[{"name":"created_at","type":"long"},{"name":"weight","type":"string"},{"name":"level","type":"int"}],
                 "indexes":[{"name":"recent","fields":[{"field":"created_at","order":"DESC"}]}],
                 "binding":{"sourceGroup":"friends","database":"social","table":"blocks","columns":[
                   {"column":"user_id","type":"BIGINT","mapsTo":"source"},{"column":"blocked_id","type":"BIGINT","mapsTo":"target"},
                   {"column":"created_at","type":"BIGINT","mapsTo":"created_at"},
                   {"column":"weight","type":"DECIMAL","mapsTo":"weight"},{"column":"level","type":"TINYINT","mapsTo":"level"}]}}""";
        assertThat(http().post("/v1/views", blocksView).status()).isEqualTo(201);
        for (int u = 0; u < 40; u += 4) {
            workload.shardOf(u).execute("DELETE FROM social.blocks WHERE user_id = " + u);
        }
        workload.run(200);
        long deadline = System.nanoTime() + 60_000_000_000L;
        long blocked = -1;
        while (System.nanoTime() < deadline) {
            blocked = 0;
            for (int u = 0; u < 40; u++) {
                blocked += http().get("/v1/views/blocks/count?start=" + u).json().at("/counts/0/count").asLong();
            }
            if (blocked == 30) {
                break;
            }
            Thread.sleep(300);
        }
        assertThat(blocked).as("40 blocks copied, 10 deleted while streaming").isEqualTo(30);
        // A streamed row reads exactly like a copied one: DECIMAL and TINYINT(1) values alike.
        workload.shardOf(1).execute("INSERT INTO social.blocks (user_id, blocked_id, created_at) VALUES (1, 39, 5000)");
        JsonNode streamed = null;
        for (int i = 0; i < 100 && (streamed == null || streamed.isEmpty()); i++) {
            Thread.sleep(100);
            streamed = http().get("/v1/views/blocks/edge?source=1&target=39").json().get("edges");
        }
        JsonNode copied = http().get("/v1/views/blocks/edge?source=1&target=2").json().get("edges");
        assertThat(streamed).as("streamed block").hasSize(1);
        assertThat(copied).as("copied block").hasSize(1);
        assertThat(copied.at("/0/properties/weight").asText()).isEqualTo(streamed.at("/0/properties/weight").asText()).isEqualTo("12.5");
        assertThat(copied.at("/0/properties/level")).isEqualTo(streamed.at("/0/properties/level"));
        assertThat(copied.at("/0/properties/level").asInt()).isEqualTo(1);
        JsonNode after = http().get("/v1/ingest/status").json();
        assertThat(after.get("shards")).allSatisfy(s -> assertThat(s.get("tables")).extracting(JsonNode::asText)
                .containsExactly("social.blocks", "social.friends"));
        assertThat(after.at("/shards/0/backfills/friends").asText()).as("friends not copied again").isEqualTo(friendsCopies.asText());
        assertThat(after.at("/shards/0/backfills/blocks").asText()).startsWith("DONE");
        awaitExact("after adding the second view");

        // History copies are jobs: one per view and shard, done with every row they expected.
        JsonNode copies = http().get("/v1/jobs?view=blocks").json();
        assertThat(copies).hasSize(2).allSatisfy(j -> {
            assertThat(j.get("type").asText()).isEqualTo("BACKFILL");
            assertThat(j.get("state").asText()).isEqualTo("DONE");
            assertThat(j.get("done").asLong()).isEqualTo(j.get("total").asLong());
            assertThat(j.get("detail").asText()).startsWith("shard friends/shard");
        });
        // 40 rows, 10 deleted right after the view was created: the copies ran before, during or after that.
        assertThat(copies.get(0).get("done").asLong() + copies.get(1).get("done").asLong()).isBetween(30L, 40L);
        // Record counts and lag of a captured view; a verify finds it exact.
        long sqlEdges = workload.activeRows().size();
        JsonNode stats = http().get("/v1/views/friends/stats").json();
        assertThat(stats.get("captured").asBoolean()).isTrue();
        assertThat(stats.get("edges").asLong()).as(stats.toString()).isEqualTo(sqlEdges);
        assertThat(stats.get("lagMs").isNumber()).as(stats.toString()).isTrue();
        long job = http().post("/v1/jobs", "{\"type\":\"VERIFY\",\"view\":\"friends\"}").json().get("id").asLong();
        JsonNode verified = http().get("/v1/jobs/" + job).json();
        for (int i = 0; i < 600 && !verified.get("state").asText().equals("DONE"); i++) {
            Thread.sleep(100);
            verified = http().get("/v1/jobs/" + job).json();
        }
        assertThat(verified.at("/result/exact").asBoolean()).as(verified.toString()).isTrue();
        assertThat(verified.at("/result/edges").asLong()).isEqualTo(sqlEdges);
    }

    private static void awaitExact(String when) throws Exception {
        ViewVsSql.awaitExact(CdcIntegrationTest::http, workload, when, 120);
    }
}
