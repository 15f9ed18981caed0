package io.sideview.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
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

/**
 * Bodies are read exactly as written on every endpoint: duplicate keys, trailing content, unknown
 * fields, coerced values, lone surrogates and oversized bodies are 400 (or 413) problems naming the
 * field, and nothing is changed.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class StrictJsonIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-strict-")));

    private static final String VIEW = "{\"name\":\"strict\",\"sourceType\":\"string\",\"targetType\":\"string\","
            + "\"direction\":\"OUT\",\"properties\":[{\"name\":\"w\",\"type\":\"long\",\"nullable\":true}],\"indexes\":[]}";
    private static final String ITEM = "{\"type\":\"INSERT\",\"source\":\"%s\",\"target\":\"b\",\"version\":1}";

    private static Http http() {
        return new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null);
    }

    private static RawHttp.Reply post(String path, String body) {
        return RawHttp.send(APP.getLocalPort(), "POST", path, Map.of("Content-Type", "application/json"), body);
    }

    /** A one-item batch whose item is {@code item} with "@" replaced by {@code bytes}, as they are. */
    private static RawHttp.Reply postBytes(String path, String item, byte[] bytes) {
        String[] parts = ("{\"mutations\":[" + item + "]}").split("@");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(parts[0].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        out.writeBytes(parts[1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return RawHttp.send(APP.getLocalPort(), "POST", path, Map.of("Content-Type", "application/json"), out.toByteArray());
    }

    private static void problem(RawHttp.Reply r, int status, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.isProblem()).as(r.body()).isTrue();
        JsonNode errors = json(r.body()).get("errors");
        assertThat(errors).as(r.body()).isNotNull();
        assertThat(errors.get(0).get("field").asText()).as(r.body()).isEqualTo(field);
    }

    private static JsonNode json(String body) {
        return new Http.Reply(200, "application/json", null, body, null).json();
    }

    private static long edges() {
        return http().get("/v1/views/strict/count?start=a").json().get("counts").get(0).get("count").asLong();
    }

    @BeforeAll
    static void view() {
        assertThat(http().post("/v1/views", VIEW).status()).isEqualTo(201);
    }

    @Test
    void duplicateKeysAreRefused() {
        problem(post("/api/v1/views/strict/mutations", "{\"mutations\":[" + String.format(ITEM, "a") + "],\"mutations\":[]}"),
                400, "mutations");
        problem(post("/api/v1/views/strict/mutations", "{\"mutations\":[{\"type\":\"INSERT\",\"source\":\"a\",\"source\":\"z\","
                + "\"target\":\"b\",\"version\":1}]}"), 400, "mutations[0].source");
        problem(post("/api/v1/jobs", "{\"type\":\"VERIFY\",\"view\":\"strict\",\"view\":\"other\"}"), 400, "view");
        assertThat(edges()).isZero();
    }

    @Test
    void trailingContentIsRefused() {
        problem(post("/api/v1/views/strict/mutations", "{\"mutations\":[" + String.format(ITEM, "a") + "]} garbage {"),
                400, "$");
        problem(post("/api/v1/views/strict/mutations", "{\"mutations\":[" + String.format(ITEM, "a") + "]}{}"), 400, "$");
        problem(post("/api/v1/views", VIEW.replace("strict", "strict_two") + " []"), 400, "$");
        assertThat(edges()).isZero();
        assertThat(http().get("/v1/views/strict_two").status()).isEqualTo(404);
    }

    @Test
    void unknownFieldsAreRefused() {
        problem(post("/api/v1/jobs", "{\"type\":\"VERIFY\",\"view\":\"strict\",\"extra\":1}"), 400, "extra");
        assertThat(http().get("/v1/jobs?view=strict").json()).isEmpty();
    }

    @Test
    void definitionsAreNotCoerced() {
        problem(post("/api/v1/views", VIEW.replace("strict", "coerced").replace("\"nullable\":true", "\"nullable\":0")),
                400, "properties[0].nullable");
        problem(post("/api/v1/views", VIEW.replace("strict", "coerced").replace("\"nullable\":true", "\"nullable\":\"true\"")),
                400, "properties[0].nullable");
        problem(post("/api/v1/views", VIEW.replace("strict", "coerced").replace("\"direction\"", "\"description\":true,\"direction\"")),
                400, "description");
        problem(post("/api/v1/views", VIEW.replace("strict", "coerced").replace("{\"name\":\"w\"", "{\"id\":1.5,\"name\":\"w\"")),
                400, "properties[0].id");
        assertThat(http().get("/v1/views/coerced").status()).isEqualTo(404);
    }

    @Test
    void stringsMustBeValidUnicode() {
        // An escaped lone surrogate, and one encoded as UTF-8 bytes would be (CESU), are both refused.
        problem(post("/api/v1/views/strict/mutations", "{\"mutations\":[" + String.format(ITEM, "\\ud800") + "]}"),
                400, "mutations[0].source");
        problem(post("/api/v1/views/strict/mutations", "{\"mutations\":[" + String.format(ITEM, "x\\udc00y") + "]}"),
                400, "mutations[0].source");
        problem(postBytes("/api/v1/views/strict/mutations", String.format(ITEM, "@"), new byte[] {(byte) 0xED, (byte) 0xA0,
                (byte) 0x80}), 400, "mutations[0].source");
        // Invalid UTF-8 is refused, not read as U+FFFD (which would make different ids collide).
        problem(postBytes("/api/v1/views/strict/mutations", String.format(ITEM, "@"), new byte[] {(byte) 0xFF}), 400,
                "mutations[0].source");
        problem(postBytes("/api/v1/views/strict/mutations", String.format(ITEM, "@"), new byte[] {(byte) 0xC3}), 400,
                "mutations[0].source");
        assertThat(edges()).isZero();
        // A proper pair is fine.
        assertThat(post("/api/v1/views/strict/mutations", "{\"mutations\":[" + String.format(ITEM, "\\ud83d\\ude00")
                + "]}").status()).isEqualTo(200);
        assertThat(http().get("/v1/views/strict/count?start=%F0%9F%98%80").json().get("counts").get(0).get("count").asLong())
                .isEqualTo(1);
        http().post("/v1/views/strict/mutations", "{\"mutations\":[{\"type\":\"DELETE\",\"source\":\"\\ud83d\\ude00\","
                + "\"target\":\"b\",\"version\":2}]}");
    }

    @Test
    void everyEndpointHasABodyLimit() {
        String big = "{\"type\":\"VERIFY\",\"view\":\"strict\",\"pad\":\"" + "x".repeat(200_000) + "\"}";
        RawHttp.Reply jobs = post("/api/v1/jobs", big);
        assertThat(jobs.status()).as(jobs.body()).isEqualTo(413);
        assertThat(jobs.isProblem()).isTrue();
        RawHttp.Reply retry = post("/api/v1/ingest/dead-letters/1/retry", big);
        assertThat(retry.status()).isEqualTo(413);
        RawHttp.Reply definition = post("/api/v1/views", "{\"name\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(definition.status()).isEqualTo(413);
        assertThat(http().get("/v1/jobs?view=strict").json()).isEmpty();
    }
}
