package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A running history copy is cancelled through its BACKFILL job: it stops after its chunk, stays
 * CANCELLED across a restart (the view lacks part of its history until asked), and resumes after its
 * last chunk done when resumed; the view then equals SQL. Bad resume requests get problems.
 */
@Tag("integration")
class CopyCancelIntegrationTest {

    @Test
    void aCancelledCopyWaitsForAResumeAndThenFinishes() throws Exception {
        try (CdcTestApp cdc = new CdcTestApp("cancel", 280)) {
            FriendsWorkload workload = cdc.workload(5);
            workload.run(1500);
            workload.bulkHistory(1000, 0, 150, 6000, false);  // users from 1000 up, each on one shard
            ConfigOverride[] slow = {ConfigOverride.config("sources.friends.copy.chunkRows", "200"),
                    ConfigOverride.config("sources.friends.copy.rowsPerSecond", "1000")};
            cdc.startApp(slow);
            Http http = cdc.http();
            assertThat(http.post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);

            List<Long> running = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                running.clear();
                for (JsonNode j : http.get("/v1/jobs?view=friends").json()) {
                    if (j.get("type").asText().equals("BACKFILL") && j.get("state").asText().equals("RUNNING")) {
                        running.add(j.get("id").asLong());
                    }
                }
                return running.size() == 2;
            });
            for (long id : running) {
                assertThat(http.post("/v1/jobs/" + id + "/cancel", "").status()).isEqualTo(200);
            }
            for (long id : running) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                        http.get("/v1/jobs/" + id).json().get("state").asText().equals("CANCELLED"));
            }
            assertThat(http.get("/v1/ingest/copies").json()).hasSize(2).allSatisfy(c -> {
                assertThat(c.get("status").asText()).isEqualTo("CANCELLED");
                assertThat(c.get("rowsCopied").asLong()).as(c.toString()).isLessThan(6000);
            });

            // A restart does not take a cancelled copy up again.
            cdc.stopApp();
            cdc.startApp(slow);
            Thread.sleep(3000);
            assertThat(cdc.http().get("/v1/ingest/copies").json()).allSatisfy(c ->
                    assertThat(c.get("status").asText()).isEqualTo("CANCELLED"));

            Http again = cdc.http();
            Http.Reply missing = again.post("/v1/ingest/copies/resume", "{}");
            assertThat(missing.status()).isEqualTo(422);
            assertThat(missing.json().at("/errors/0/field").asText()).isEqualTo("view");
            assertThat(again.post("/v1/ingest/copies/resume", "{\"view\":\"friends\",\"x\":1}").status()).isEqualTo(400);
            assertThat(again.post("/v1/ingest/copies/resume", "{\"view\":\"nope\"}").status()).isEqualTo(404);
            // The operator's door, the admin task, takes the cancelled copies up again, once.
            assertThat(task(cdc, "view-backfill?name=friends")).startsWith("history copy of view 'friends' resumed: shard");
            assertThat(task(cdc, "view-backfill?name=friends")).contains("nothing cancelled to resume");
            RawHttp.Reply unnamed = RawHttp.send(cdc.app().getAdminPort(), "POST", "/tasks/view-backfill", Map.of());
            assertThat(unnamed.status()).isEqualTo(400);
            assertThat(unnamed.body()).contains("name");
            assertThat(again.post("/v1/ingest/copies/resume", "{\"view\":\"friends\"}").status())
                    .as("nothing left to resume").isEqualTo(409);
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() ->
                    again.get("/v1/ingest/copies").json().findValuesAsText("status").stream().allMatch("DONE"::equals));
            assertThat(again.get("/v1/jobs?view=friends").json().findValuesAsText("detail"))
                    .anySatisfy(d -> assertThat(d).contains("resumed after chunk"));
            ViewVsSql.awaitExact(cdc::http, workload, "after a cancelled and resumed copy", 120);
        }
    }

    /** An admin task's one line (the test config needs no admin token). */
    private static String task(CdcTestApp cdc, String query) {
        RawHttp.Reply r = RawHttp.send(cdc.app().getAdminPort(), "POST", "/tasks/" + query, Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body().strip();
    }
}
