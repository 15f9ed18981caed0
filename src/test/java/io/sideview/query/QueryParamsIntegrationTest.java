package io.sideview.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.RawHttp;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One spelling per value: ids and limits in plain ASCII decimal, single-value parameters once and non-empty. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class QueryParamsIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-params-")));

    private static Http http() {
        return new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null);
    }

    private static void refused(String pathAndQuery, String field) {
        RawHttp.Reply r = RawHttp.send(APP.getLocalPort(), "GET", "/api" + pathAndQuery, Map.of());
        assertThat(r.status()).as(pathAndQuery + " " + r.body()).isEqualTo(400);
        assertThat(r.isProblem()).as(pathAndQuery).isTrue();
        assertThat(r.body()).as(pathAndQuery).contains("\"field\":\"" + field + "\"");
    }

    @BeforeAll
    static void data() {
        assertThat(http().post("/v1/views", Examples.text("follows-view.json")).status()).isEqualTo(201);
        assertThat(http().post("/v1/views/follows/mutations", Examples.text("follows-mutations.json")).status()).isEqualTo(200);
        assertThat(http().post("/v1/views", "{\"name\":\"named\",\"sourceType\":\"string\",\"targetType\":\"string\","
                + "\"direction\":\"OUT\",\"properties\":[],\"indexes\":[]}").status()).isEqualTo(201);
    }

    @Test
    void longIdsAndLimitsArePlainAsciiDecimals() {
        assertThat(http().get("/v1/views/follows/count?start=1").status()).isEqualTo(200);
        assertThat(http().get("/v1/views/follows/count?start=-1").status()).isEqualTo(200);
        assertThat(http().get("/v1/views/follows/count?start=0").status()).isEqualTo(200);
        // +1, 01, Arabic-Indic one, fullwidth one, a space: all once read as node 1.
        for (String one : new String[] {"%2B1", "01", "-01", "%D9%A1", "%EF%BC%91", "%201", "1%20", "-0", "1e0"}) {
            refused("/v1/views/follows/count?start=" + one, "start");
            refused("/v1/views/follows/scan?start=" + one, "start");
            refused("/v1/views/follows/edge?source=" + one + "&target=2", "source");
            refused("/v1/views/follows/mutual?a=" + one + "&b=2", "a");
            refused("/v1/views/follows/scan?start=1&limit=" + one, "limit");
        }
        refused("/v1/views/follows/scan?start=1&index=recent&range=created_at:gte:%2B5", "range");
        refused("/v1/views/follows/scan?start=1&index=recent&range=created_at:gte:05", "range");
        assertThat(http().get("/v1/views/follows/scan?start=1&index=recent&range=created_at:gte:5").status()).isEqualTo(200);
    }

    @Test
    void singleValueParametersComeOnceAndNotEmpty() {
        refused("/v1/views/follows/scan?start=1&start=2", "start");
        refused("/v1/views/follows/scan?start=1&limit=1&limit=2", "limit");
        refused("/v1/views/follows/scan?start=1&direction=OUT&direction=IN", "direction");
        refused("/v1/views/follows/count?start=1&direction=OUT&direction=IN", "direction");
        refused("/v1/views/follows/mutual?a=1&b=2&b=3", "b");
        refused("/v1/views/follows/scan?start=1&limit=", "limit");
        refused("/v1/views/follows/scan?start=1&cursor=", "cursor");
        refused("/v1/views/follows/scan?start=1&direction=", "direction");
        refused("/v1/views/follows/scan?start=1&index=", "index");
        refused("/v1/views/follows/scan?start=", "start");
        refused("/v1/views/follows/count?start=1&start=", "start");
        refused("/v1/views/follows/edge?source=1&target=", "target");
        // Repeatable ones stay repeatable.
        assertThat(http().get("/v1/views/follows/count?start=1&start=2").status()).isEqualTo(200);
    }

    @Test
    void stringIdsMustBeValidUnicode() {
        assertThat(http().get("/v1/views/named/count?start=%F0%9F%98%80").status()).isEqualTo(200);
        // A lone surrogate written as UTF-8 bytes (CESU) and invalid UTF-8 never become ids.
        for (String bad : new String[] {"%ED%A0%80", "%FF", "a%C3"}) {
            RawHttp.Reply r = RawHttp.send(APP.getLocalPort(), "GET", "/api/v1/views/named/count?start=" + bad, Map.of());
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.isProblem()).as(bad).isTrue();
        }
    }

    @Test
    void theSameRulesHoldOnEveryOtherEndpoint() {
        refused("/v1/jobs?limit=1&limit=2", "limit");
        refused("/v1/jobs?view=follows&view=named", "view");
        refused("/v1/jobs?view=", "view");
        refused("/v1/jobs?limit=%2B5", "limit");
        refused("/v1/jobs?before=01", "before");
        refused("/v1/jobs/%D9%A1", "id");
        refused("/v1/jobs/%EF%BC%91", "id");
        refused("/v1/ingest/dead-letters?after=%2B1", "after");
        refused("/v1/ingest/dead-letters?limit=%D9%A1%D9%A0", "limit");
        refused("/v1/ingest/dead-letters?status=PENDING&status=RESOLVED", "status");
        refused("/v1/views?x=", "x");
        RawHttp.Reply forced = RawHttp.send(APP.getLocalPort(), "POST", "/api/v1/views/follows/mutations?force=true&force=false",
                Map.of("Content-Type", "application/json"), "{\"mutations\":[]}");
        assertThat(forced.status()).isEqualTo(400);
        assertThat(forced.body()).contains("\"field\":\"force\"");
        refused("/v1/views/follows/count?start=%zz", "query");
        assertThat(http().get("/v1/jobs?limit=5").status()).isEqualTo(200);
        assertThat(http().get("/v1/ingest/dead-letters?after=0&limit=10").status()).isEqualTo(200);
    }

    /** Decided in issue 15 and documented in docs/api.md: HEAD is not served on query endpoints. */
    @Test
    void headOnAQueryIs405() {
        RawHttp.Reply r = RawHttp.send(APP.getLocalPort(), "HEAD", "/api/v1/views/follows/count?start=1", Map.of());
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET");
    }

    /** Decided in issue 15 and documented in docs/api.md: a deactivated view may be verified. */
    @Test
    void verifyOnAnInactiveViewIsAccepted() {
        assertThat(http().post("/v1/views", "{\"name\":\"resting\",\"sourceType\":\"long\",\"targetType\":\"long\","
                + "\"direction\":\"OUT\",\"properties\":[],\"indexes\":[]}").status()).isEqualTo(201);
        assertThat(http().post("/v1/views/resting/deactivate", "").status()).isEqualTo(200);
        Http.Reply job = http().post("/v1/jobs", "{\"type\":\"VERIFY\",\"view\":\"resting\"}");
        assertThat(job.status()).as(job.body()).isEqualTo(202);
    }

    @Test
    void idsRefuseUnpairedSurrogates() {
        assertThat(io.sideview.api.Texts.unpairedSurrogate("a\ud800")).isEqualTo(1);
        assertThat(io.sideview.api.Texts.unpairedSurrogate("\udc00")).isZero();
        assertThat(io.sideview.api.Texts.unpairedSurrogate("\ud83d\ude00")).isEqualTo(-1);
    }
}
