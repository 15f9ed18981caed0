package io.sideview.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jobs over HTTP on RocksDB: an index added by a later revision is built for the edges written before
 * it (while writes go on) and then scans equal the model; verify and rebuild of a clean view; every
 * bad job request is a 4xx with its reason.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class JobIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-jobs-")));
    static final String VIEW = "late_index";
    static final int SOURCES = 12;

    /** source -> target -> created_at of the active edges, as the writes define them. */
    static final Map<Long, Map<Long, Long>> MODEL = new HashMap<>();
    static long version = 0;

    static Http http() {
        return new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null);
    }

    @BeforeAll
    static void load() {
        ObjectNode def = Examples.json("follows-view.json").put("name", VIEW);
        def.remove("indexes");
        assertThat(http().post("/v1/views", def.toString()).status()).isEqualTo(201);
        Random random = new Random(5);
        for (int b = 0; b < 3; b++) {
            write(random, 1000);
        }
    }

    /** One batch of random inserts, updates and deletes, applied to the model too. */
    static void write(Random random, int n) {
        ObjectNode body = Examples.MAPPER.createObjectNode();
        ArrayNode items = body.putArray("mutations");
        for (int i = 0; i < n; i++) {
            long s = 1 + random.nextInt(SOURCES);
            long t = 1 + random.nextInt(400);
            long createdAt = random.nextInt(100_000);
            long v = ++version;
            ObjectNode m = items.addObject().put("source", s).put("target", t).put("version", v);
            Map<Long, Long> out = MODEL.computeIfAbsent(s, k -> new HashMap<>());
            if (random.nextInt(5) == 0) {
                m.put("type", "DELETE");
                out.remove(t);
            } else {
                m.put("type", "INSERT").putObject("properties").put("created_at", createdAt);
                out.put(t, createdAt);
            }
        }
        Http.Reply r = http().post("/v1/views/" + VIEW + "/mutations", body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static JsonNode awaitJob(long id) {
        return http().awaitJob(id);
    }

    @Test
    void anIndexAddedLaterIsBuiltForOlderEdgesWhileWritesGoOn() {
        ObjectNode def = Examples.json("follows-view.json").put("name", VIEW);
        Http.Reply updated = http().put("/v1/views/" + VIEW, def.toString());
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("revision").asInt()).isEqualTo(2);

        Http.Reply early = http().get("/v1/views/" + VIEW + "/scan?start=1&index=recent");
        if (early.status() != 200) {
            // Refused while building, never answered from a half-built index.
            assertThat(early.status()).as(early.body()).isEqualTo(409);
            assertThat(early.body()).contains("being built");
        }
        JsonNode build = null;
        for (JsonNode j : http().get("/v1/jobs?view=" + VIEW).json()) {
            if (j.get("type").asText().equals("INDEX_BUILD")) {
                build = j;
            }
        }
        assertThat(build).as("an INDEX_BUILD job is listed").isNotNull();
        assertThat(build.get("detail").asText()).isEqualTo("recent");
        // Writes go on during the build: they maintain the new index themselves.
        Random random = new Random(6);
        write(random, 500);
        write(random, 500);
        JsonNode done = awaitJob(build.get("id").asLong());
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
        assertThat(done.get("percent").asDouble()).isEqualTo(100.0);
        assertThat(done.get("total").asLong()).isPositive();

        for (long s = 1; s <= SOURCES; s++) {
            List<Map.Entry<Long, Long>> expected = new ArrayList<>(MODEL.getOrDefault(s, Map.of()).entrySet());
            expected.sort(Comparator.<Map.Entry<Long, Long>>comparingLong(e -> -e.getValue()).thenComparingLong(Map.Entry::getKey));
            List<Long> targets = new ArrayList<>();
            String cursor = null;
            do {
                Http.Reply page = http().get("/v1/views/" + VIEW + "/scan?start=" + s + "&index=recent&limit=37"
                        + (cursor == null ? "" : "&cursor=" + cursor));
                assertThat(page.status()).as(page.body()).isEqualTo(200);
                page.json().get("edges").forEach(e -> targets.add(e.get("target").asLong()));
                cursor = page.json().get("next").isNull() ? null : page.json().get("next").asText();
            } while (cursor != null);
            assertThat(targets).as("newest-first scan of %d on the late index", s)
                    .isEqualTo(expected.stream().map(Map.Entry::getKey).toList());
        }

        // The build cannot be cancelled (the index would stay unusable).
        Http.Reply cancel = http().post("/v1/jobs/" + build.get("id").asLong() + "/cancel", "");
        assertThat(cancel.status()).isEqualTo(409);
    }

    @Test
    void verifyAndRebuildACleanView() {
        Http.Reply started = http().post("/v1/jobs", "{\"type\":\"VERIFY\",\"view\":\"" + VIEW + "\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        assertThat(started.location().toString()).endsWith("/api/v1/jobs/" + started.json().get("id").asLong());
        JsonNode verified = awaitJob(started.json().get("id").asLong());
        assertThat(verified.get("state").asText()).as(verified.toString()).isEqualTo("DONE");
        assertThat(verified.at("/result/exact").asBoolean()).as(verified.toString()).isTrue();
        assertThat(verified.at("/result/countMismatches").asLong()).isZero();
        long active = MODEL.values().stream().mapToLong(Map::size).sum();
        assertThat(verified.at("/result/edges").asLong()).isEqualTo(active);
        JsonNode stats = http().get("/v1/views/" + VIEW + "/stats").json();
        assertThat(stats.get("edges").asLong()).as(stats.toString()).isEqualTo(active);
        assertThat(stats.at("/nodes/OUT").asLong()).isEqualTo(MODEL.values().stream().filter(m -> !m.isEmpty()).count());
        assertThat(stats.get("captured").asBoolean()).isFalse();
        assertThat(stats.get("lagMs").isNull()).isTrue();
        assertThat(http().get("/v1/views/nope/stats").status()).isEqualTo(404);

        Http.Reply rebuild = http().post("/v1/jobs", "{\"type\":\"REBUILD\",\"view\":\"" + VIEW + "\"}");
        JsonNode rebuilt = awaitJob(rebuild.json().get("id").asLong());
        assertThat(rebuilt.get("state").asText()).as(rebuilt.toString()).isEqualTo("DONE");
        assertThat(rebuilt.at("/result/wasExact").asBoolean()).as(rebuilt.toString()).isTrue();
        assertThat(rebuilt.get("done").asLong()).isEqualTo(rebuilt.get("total").asLong());

        Http.Reply again = http().post("/v1/jobs/" + rebuilt.get("id").asLong() + "/cancel", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("already DONE");
    }

    @Test
    void badJobRequestsAreClearProblems() {
        problem(http().post("/v1/jobs", "{\"view\":\"" + VIEW + "\"}"), 422, "type");
        problem(http().post("/v1/jobs", "{\"type\":\"BACKFILL\",\"view\":\"" + VIEW + "\"}"), 422, "type");
        problem(http().post("/v1/jobs", "{\"type\":\"VERIFY\"}"), 422, "view");
        assertThat(http().post("/v1/jobs", "{\"type\":\"VERIFY\",\"view\":\"nope\"}").status()).isEqualTo(404);
        assertThat(http().post("/v1/jobs", "{\"type\":").status()).isEqualTo(400);
        // Strict: no coercion of a number or a boolean into a text field.
        problem(http().post("/v1/jobs", "{\"type\":1,\"view\":\"" + VIEW + "\"}"), 400, "type");
        problem(http().post("/v1/jobs", "{\"type\":\"VERIFY\",\"view\":true}"), 400, "view");
        // A source job's scope: only for SOURCE_VERIFY and REPAIR, of the right kinds, on a view with a source.
        problem(http().post("/v1/jobs", "{\"type\":\"SOURCE_VERIFY\",\"view\":\"" + VIEW + "\"}"), 422, "view");
        problem(http().post("/v1/jobs", "{\"type\":\"VERIFY\",\"view\":\"" + VIEW + "\",\"sample\":5}"), 422, "sample");
        problem(http().post("/v1/jobs", "{\"type\":\"REPAIR\",\"view\":\"" + VIEW + "\",\"sample\":\"5\"}"), 422, "sample");
        problem(http().post("/v1/jobs", "{\"type\":\"REPAIR\",\"view\":\"" + VIEW + "\",\"from\":1.5}"), 422, "from");
        problem(http().post("/v1/jobs", "{\"type\":\"REPAIR\",\"view\":\"" + VIEW + "\",\"to\":true}"), 422, "to");
        assertThat(http().post("/v1/jobs", "{\"type\":\"REPAIR\",\"view\":\"" + VIEW + "\",\"scope\":1}").status()).isEqualTo(400);
        problem(http().get("/v1/jobs/abc"), 400, "id");
        assertThat(http().get("/v1/jobs/987654").status()).isEqualTo(404);
        problem(http().get("/v1/jobs?limit=0"), 400, "limit");
        problem(http().get("/v1/jobs?limit=201"), 400, "limit");
    }

    private static void problem(Http.Reply r, int status, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.body()).contains("\"field\":\"" + field + "\"");
    }
}
