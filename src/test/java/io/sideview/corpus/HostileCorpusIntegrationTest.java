package io.sideview.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.RawHttp;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bad-input corpus of issue 15 as a test: 5,000+ seeded hostile requests over every endpoint of
 * the API and the admin port, in open mode (the most exposed). Not one answer is a 5xx, every refusal
 * is problem+json, no definition, revision, edge, job or dead letter changed, and the service is
 * healthy afterwards.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class HostileCorpusIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-corpus-")));

    static final long SEED = 15;
    static final int REQUESTS = 5_200;

    private static Http http() {
        return new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null);
    }

    private static void seed() throws InterruptedException {
        assertThat(http().post("/v1/views", Examples.text("follows-view.json")).status()).isEqualTo(201);
        assertThat(http().post("/v1/views/follows/mutations", Examples.text("follows-mutations.json")).status()).isEqualTo(200);
        assertThat(http().post("/v1/views", "{\"name\":\"named\",\"sourceType\":\"string\",\"targetType\":\"string\","
                + "\"direction\":\"BOTH\",\"properties\":[],\"indexes\":[]}").status()).isEqualTo(201);
        assertThat(http().post("/v1/views/named/mutations", "{\"mutations\":[{\"type\":\"INSERT\",\"source\":\"a\","
                + "\"target\":\"b\",\"version\":1}]}").status()).isEqualTo(200);
        Http.Reply job = http().post("/v1/jobs", "{\"type\":\"VERIFY\",\"view\":\"follows\"}");
        assertThat(job.status()).isEqualTo(202);
        for (int i = 0; i < 100 && !http().get("/v1/jobs/" + job.json().get("id").asLong()).json().get("state").asText()
                .equals("DONE"); i++) {
            Thread.sleep(100);
        }
    }

    /** Everything a hostile request could have changed, as text. */
    private static String state() {
        StringBuilder out = new StringBuilder();
        out.append(http().get("/v1/views").body()).append('\n');
        for (String view : new String[] {"follows", "named"}) {
            out.append(http().get("/v1/views/" + view + "/revisions").body()).append('\n');
        }
        for (int node = -1; node <= 12; node++) {
            for (String direction : new String[] {"OUT", "IN"}) {
                out.append(http().get("/v1/views/follows/scan?start=" + node + "&direction=" + direction + "&limit=1000").body());
                out.append(http().get("/v1/views/follows/count?start=" + node + "&direction=" + direction).body()).append('\n');
            }
        }
        out.append(http().get("/v1/views/named/scan?start=a&limit=1000").body());
        out.append(http().get("/v1/views/named/count?start=b&direction=IN").body()).append('\n');
        for (JsonNode j : http().get("/v1/jobs?limit=200").json()) {
            out.append(j.get("id")).append(' ').append(j.get("type")).append(' ').append(j.get("view")).append(' ')
                    .append(j.get("state")).append('\n');
        }
        out.append(http().get("/v1/ingest/dead-letters").body()).append('\n');
        out.append(RawHttp.send(APP.getAdminPort(), "POST", "/tasks/view-list", Map.of()).body());
        return out.toString();
    }

    @Test
    void hostileRequestsChangeNothingAndNeverFailTheServer() throws Exception {
        seed();
        String before = state();
        List<HostileCorpus.Req> corpus = new HostileCorpus(SEED, "follows", "named").generate(REQUESTS);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(5_000);
        List<String> serverErrors = new ArrayList<>();
        List<String> notProblems = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (HostileCorpus.Req r : corpus) {
            RawHttp.Reply reply;
            try {
                reply = RawHttp.send(r.admin() ? APP.getAdminPort() : APP.getLocalPort(), r.method(), r.path(), r.headers(),
                        r.body());
            } catch (UncheckedIOException e) {
                serverErrors.add("no answer (" + e.getCause() + ") to " + r);
                continue;
            }
            statuses.merge(reply.status(), 1, Integer::sum);
            // An HTTP version the server does not speak is a 505 by the protocol's own rules.
            if (reply.status() >= 500 && reply.status() != 505) {
                serverErrors.add(reply.status() + " " + reply.body() + " <- " + r);
            }
            if (reply.status() >= 400 && !reply.isProblem() && !"HEAD".equals(r.method())) {
                notProblems.add(reply.status() + " " + reply.header("Content-Type") + " " + abbreviate(reply.body()) + " <- " + r);
            }
        }
        System.out.println("hostile corpus: " + corpus.size() + " requests, statuses " + statuses);
        assertThat(serverErrors).as("5xx answers").isEmpty();
        assertThat(notProblems).as("refusals that are not problem+json").isEmpty();
        assertThat(state()).as("nothing changed").isEqualTo(before);
        assertThat(RawHttp.send(APP.getAdminPort(), "GET", "/healthcheck", Map.of()).status()).isEqualTo(200);
        assertThat(http().get("/v1/ping").status()).isEqualTo(200);
    }

    private static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 160) + "...";
    }
}
