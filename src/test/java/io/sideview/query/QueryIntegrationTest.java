package io.sideview.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README walk-through over HTTP on RocksDB: the follows example, its mutation batch, every query shape. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class QueryIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-query-")));

    static Http http() {
        return new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null);
    }

    @BeforeAll
    static void load() {
        assertThat(http().post("/v1/views", Examples.text("follows-view.json")).status()).isEqualTo(201);
        Http.Reply r = http().post("/v1/views/follows/mutations", Examples.text("follows-mutations.json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("results")).extracting(n -> n.get("status").asText()).containsExactly("CREATED", "CREATED", "CREATED");
    }

    @Test
    void getAndMultiGet() {
        JsonNode one = http().get("/v1/views/follows/edge?source=1&target=2").json();
        assertThat(one.get("edges")).hasSize(1);
        assertThat(one.at("/edges/0/source").asLong()).isEqualTo(1);
        assertThat(one.at("/edges/0/target").asLong()).isEqualTo(2);
        assertThat(one.at("/edges/0/properties/created_at").asLong()).isEqualTo(1700000000000L);
        JsonNode many = http().get("/v1/views/follows/edge?source=1&target=2&target=3&target=4").json();
        assertThat(many.get("edges")).extracting(e -> e.get("target").asLong()).containsExactly(2L, 3L);
    }

    @Test
    void countOutAndIn() {
        JsonNode out = http().get("/v1/views/follows/count?start=1&start=2&start=9").json();
        assertThat(out.get("counts")).extracting(c -> c.get("count").asLong()).containsExactly(2L, 1L, 0L);
        JsonNode in = http().get("/v1/views/follows/count?start=3&direction=IN").json();
        assertThat(in.at("/counts/0/count").asLong()).isEqualTo(2);
        assertThat(in.at("/counts/0/direction").asText()).isEqualTo("IN");
    }

    @Test
    void scanNewestFirstAndReverse() {
        JsonNode recent = http().get("/v1/views/follows/scan?start=1&index=recent").json();
        assertThat(recent.get("edges")).extracting(e -> e.get("target").asLong()).containsExactly(3L, 2L);
        assertThat(recent.get("next").isNull()).isTrue();
        JsonNode followers = http().get("/v1/views/follows/scan?start=3&direction=IN&index=recent").json();
        assertThat(followers.get("edges")).extracting(e -> e.get("source").asLong()).containsExactly(2L, 1L);
        JsonNode byTarget = http().get("/v1/views/follows/scan?start=1").json();
        assertThat(byTarget.get("edges")).extracting(e -> e.get("target").asLong()).containsExactly(2L, 3L);
        JsonNode ranged = http().get("/v1/views/follows/scan?start=1&index=recent&range=created_at:lt:1700000001000").json();
        assertThat(ranged.get("edges")).extracting(e -> e.get("target").asLong()).containsExactly(2L);
    }

    @Test
    void mutual() {
        JsonNode m = http().get("/v1/views/follows/mutual?a=1&b=2").json();
        assertThat(m.get("targets")).extracting(JsonNode::asLong).containsExactly(3L);
    }

    @Test
    void pagesWithCursorsVisitEveryEdgeOnce() {
        http().post("/v1/views", Examples.json("follows-view.json").put("name", "paged").toString());
        StringBuilder batch = new StringBuilder("{\"mutations\":[");
        for (int t = 0; t < 57; t++) {
            batch.append(t == 0 ? "" : ",").append("{\"type\":\"INSERT\",\"source\":100,\"target\":").append(1000 + t)
                    .append(",\"version\":1,\"properties\":{\"created_at\":").append(t % 7).append("}}");
        }
        assertThat(http().post("/v1/views/paged/mutations", batch.append("]}").toString()).status()).isEqualTo(200);
        for (String query : List.of("index=recent", "")) {
            List<Long> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                String url = "/v1/views/paged/scan?start=100&limit=10&" + query
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                JsonNode page = http().get(url).json();
                page.get("edges").forEach(e -> seen.add(e.get("target").asLong()));
                cursor = page.get("next").isNull() ? null : page.get("next").asText();
                pages++;
            } while (cursor != null);
            assertThat(seen).as(query).hasSize(57).doesNotHaveDuplicates();
            assertThat(pages).isEqualTo(6);
        }
    }

    @Test
    void badInputIsA4xxWithTheReason() {
        assertProblem(http().get("/v1/views/nope/count?start=1"), 404, "no view named 'nope'");
        assertProblem(http().get("/v1/views/follows/scan?start=1&index=nope"), 404, "no index named 'nope'");
        assertProblem(http().get("/v1/views/follows/scan?start=1&limit=0"), 400, "limit");
        assertProblem(http().get("/v1/views/follows/scan?start=1&limit=1001"), 400, "from 1 to 1000");
        assertProblem(http().get("/v1/views/follows/scan?start=abc"), 400, "not a long id");
        assertProblem(http().get("/v1/views/follows/edge?source=1"), 400, "target");
        assertProblem(http().get("/v1/views/follows/scan?start=1&cursor=%25%25"), 400, "malformed cursor");
        assertProblem(http().get("/v1/views/follows/scan?start=1&direction=UP"), 400, "unknown direction");
        assertProblem(http().get("/v1/views/follows/scan?start=1&index=recent&range=target:eq:3"), 400, "not a field of index");
        assertProblem(http().get("/v1/views/follows/scan?start=1&index=recent&range=created_at:like:3"), 400, "unknown op");
        assertProblem(http().get("/v1/views/follows/scan?start=1&index=recent&range=created_at:gt:soon"), 400, "is not a long");

        String next = http().get("/v1/views/follows/scan?start=1&limit=1&index=recent").json().get("next").asText();
        char flipped = next.charAt(5) == 'A' ? 'B' : 'A';
        String tampered = next.substring(0, 5) + flipped + next.substring(6);
        assertProblem(http().get("/v1/views/follows/scan?start=1&limit=1&index=recent&cursor=" + tampered), 400, "signature");
        assertProblem(http().get("/v1/views/follows/scan?start=2&limit=1&index=recent&cursor=" + next), 400, "another query");

        StringBuilder many = new StringBuilder("/v1/views/follows/edge?source=1");
        for (int i = 0; i < 101; i++) {
            many.append("&target=").append(i);
        }
        assertProblem(http().get(many.toString()), 400, "at most 100");

        // The read shapes are served in front of Jersey (QueryFilter); what they leave to Jersey is still problem+json.
        assertThat(rawGet("/api/v1/views/follows/count?start=%zz")).startsWith("HTTP/1.1 400")
                .contains("application/problem+json").contains("malformed query string");
        assertProblem(http().get("/v1/views/follows/count?start=%C3%28"), 400, "malformed query string");
        // Refused by Jetty itself, before any filter: still problem+json, with Jetty's reason.
        assertThat(rawGet("/api/v1/views//count?start=1")).startsWith("HTTP/1.1 400")
                .contains("application/problem+json").contains("\"status\":400").contains("empty segment")
                .doesNotContain("<html");
        assertProblem(http().post("/v1/views/follows/count?start=1", "{}"), 405, "");
        assertProblem(http().get("/v1/views/follows/counts?start=1"), 404, "");
        assertProblem(http().get("/v1/views/follows/count/extra?start=1"), 404, "");
        assertThat(http().get("/v1/views/follows/count?start=1&start=2&direction=OUT").json().at("/counts/1/start").asLong())
                .isEqualTo(2);
    }

    @Test
    void mutationItemsReportTheirOwnErrors() {
        Http.Reply r = http().post("/v1/views/follows/mutations", """
                {"mutations":[
                  {"type":"INSERT","source":5,"target":6,"version":1,"properties":{"created_at":1}},
                  {"type":"INSERT","source":"x","target":6,"version":1,"properties":{"created_at":1}},
                  {"type":"INSERT","source":5,"target":7,"version":1},
                  {"type":"UPSERT","source":5,"target":7,"version":1},
                  {"type":"UPDATE","source":5,"target":6,"version":2,"properties":{"created_at":"late"}},
                  {"type":"DELETE","source":5,"target":6},
                  {"type":"UPDATE","source":5,"target":6,"version":2,"properties":{"color":1}},
                  {"type":"INSERT","source":5,"target":8,"version":-9223372036854775808,"properties":{"created_at":1}}
                ]}""");
        assertThat(r.status()).isEqualTo(207);
        JsonNode results = r.json().get("results");
        assertThat(results.get(0).get("status").asText()).isEqualTo("CREATED");
        assertThat(results.get(1).get("reason").asText()).contains("source: expected a long id");
        assertThat(results.get(2).get("reason").asText()).contains("created_at: required on INSERT");
        assertThat(results.get(3).get("reason").asText()).contains("type: expected INSERT, UPDATE or DELETE");
        assertThat(results.get(4).get("reason").asText()).contains("expected a long");
        assertThat(results.get(5).get("reason").asText()).contains("version: required");
        assertThat(results.get(6).get("reason").asText()).contains("color: unknown property");
        assertThat(results.get(7).get("reason").asText()).contains("is reserved");
        assertThat(http().get("/v1/views/follows/count?start=5").json().at("/counts/0/count").asLong()).isEqualTo(1);
    }

    @Test
    void wholeBatchErrors() {
        assertProblem(http().post("/v1/views/follows/mutations", "{\"mutations\": 3}"), 400, "expected an array");
        assertProblem(http().post("/v1/views/follows/mutations", "{nope"), 400, "malformed");
        assertProblem(http().post("/v1/views/follows/mutations", "{\"mutations\":[],\"mutation\":[]}"), 400, "unknown field 'mutation'");
        StringBuilder big = new StringBuilder("{\"mutations\":[");
        for (int i = 0; i < 1001; i++) {
            big.append(i == 0 ? "" : ",").append("{}");
        }
        assertProblem(http().post("/v1/views/follows/mutations", big.append("]}").toString()), 413, "at most 1000");
        // Over 4 MiB: refused by size before it is parsed.
        String huge = "{\"mutations\":[],\"pad\":\"" + "x".repeat(4 * 1024 * 1024) + "\"}";
        assertProblem(http().post("/v1/views/follows/mutations", huge), 413, "at most 4194304 bytes");
        assertProblem(http().post("/v1/views/follows/mutations", ""), 400, "a body");
    }

    @Test
    void capturedViewsRefuseDirectWritesUnlessForced() {
        assertThat(http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
        String one = "{\"mutations\":[{\"type\":\"INSERT\",\"source\":1,\"target\":2,\"version\":1,\"properties\":{\"created_at\":1,\"updated_at\":1}}]}";
        assertProblem(http().post("/v1/views/friends/mutations", one), 409, "force=true");
        Http.Reply forced = http().post("/v1/views/friends/mutations?force=true", one);
        assertThat(forced.status()).as(forced.body()).isEqualTo(200);
    }

    /** A GET written byte for byte (HTTP clients refuse to send a malformed escape); answers the whole response. */
    private static String rawGet(String pathAndQuery) {
        try (Socket socket = new Socket("127.0.0.1", APP.getLocalPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertProblem(Http.Reply r, int status, String fragment) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.isProblem()).as(r.mediaType()).isTrue();
        assertThat(r.body()).contains(fragment);
    }
}
