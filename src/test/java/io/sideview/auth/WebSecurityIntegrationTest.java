package io.sideview.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Http;
import io.sideview.RawHttp;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Open mode (the default), as a page of another site would try it: security headers everywhere,
 * non-JSON bodies 415, cross-origin writes 403, foreign Host names 403 (DNS rebinding), tokens in the
 * URL 401, on the API port and on the admin port.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class WebSecurityIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-websec-"),
                    ConfigOverride.config("security.allowedHosts", "other.internal, sideview.internal")));

    private static final String VIEW = "{\"name\":\"%s\",\"sourceType\":\"long\",\"targetType\":\"long\",\"direction\":\"OUT\","
            + "\"properties\":[],\"indexes\":[]}";

    private static int api() {
        return APP.getLocalPort();
    }

    private static Http http() {
        return new Http(APP.client(), "http://127.0.0.1:" + api() + "/api", null);
    }

    private static Map<String, String> headers(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static boolean exists(String view) {
        return http().get("/v1/views/" + view).status() == 200;
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() {
        for (String path : new String[] {"/", "/index.html", "/app.js", "/api/v1/views", "/api/v1/views/nope",
                                         "/api/v1/views/nope/count?start=1", "/api/openapi.json"}) {
            RawHttp.Reply r = RawHttp.send(api(), "GET", path, Map.of());
            assertThat(r.header("Content-Security-Policy")).as(path)
                    .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
            assertThat(r.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(r.header("X-Frame-Options")).as(path).isEqualTo("DENY");
            assertThat(r.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
        }
        RawHttp.Reply admin = RawHttp.send(APP.getAdminPort(), "GET", "/healthcheck", Map.of());
        assertThat(admin.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    /** The policy allows no inline script, so the page must have none: no inline script element, no on* attribute. */
    @Test
    void theUiHasNoInlineScript() throws IOException {
        String html;
        try (InputStream in = getClass().getResourceAsStream("/assets/index.html")) {
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>").doesNotContainPattern("\\son[a-z]+\\s*=")
                .doesNotContain("style=").doesNotContain("javascript:");
    }

    @Test
    void aBodyMustBeJson() {
        String body = String.format(VIEW, "ct_view");
        for (String type : new String[] {null, "text/plain", "*/*", "application/x-www-form-urlencoded",
                                         "multipart/form-data; boundary=x", "application/json; charset=utf-16",
                                         "application/json; charset=nonsense-42", "application/jsonx"}) {
            Map<String, String> h = new LinkedHashMap<>();
            if (type != null) {
                h.put("Content-Type", type);
            }
            RawHttp.Reply r = RawHttp.send(api(), "POST", "/api/v1/views", h, body);
            assertThat(r.status()).as(type + ": " + r.body()).isEqualTo(415);
            assertThat(r.isProblem()).as(type).isTrue();
            assertThat(r.body()).as(type).contains("Content-Type");
        }
        assertThat(exists("ct_view")).isFalse();
        RawHttp.Reply ok = RawHttp.send(api(), "POST", "/api/v1/views",
                headers("Content-Type", "application/json; charset=UTF-8"), body);
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
    }

    @Test
    void aWriteFromAnotherOriginIsRefused() {
        String body = String.format(VIEW, "origin_view");
        String[][] foreign = {
            {"Origin", "http://evil.example"},
            {"Origin", "null"},
            {"Origin", "http://127.0.0.1:1"},
            {"Sec-Fetch-Site", "cross-site"},
            {"Sec-Fetch-Site", "same-site"},
        };
        for (String[] h : foreign) {
            RawHttp.Reply r = RawHttp.send(api(), "POST", "/api/v1/views",
                    headers("Content-Type", "application/json", h[0], h[1]), body);
            assertThat(r.status()).as(h[0] + ": " + h[1]).isEqualTo(403);
            assertThat(r.isProblem()).isTrue();
            assertThat(r.body()).contains(h[0]);
        }
        assertThat(exists("origin_view")).isFalse();
        RawHttp.Reply same = RawHttp.send(api(), "POST", "/api/v1/views", headers("Content-Type", "application/json",
                "Origin", "http://127.0.0.1:" + api(), "Sec-Fetch-Site", "same-origin"), body);
        assertThat(same.status()).as(same.body()).isEqualTo(201);
        // A page of another origin cannot deactivate or delete either (no body, no Content-Type needed).
        for (String method : new String[] {"POST", "DELETE"}) {
            String path = method.equals("POST") ? "/api/v1/views/origin_view/deactivate" : "/api/v1/views/origin_view";
            assertThat(RawHttp.send(api(), method, path, headers("Origin", "http://evil.example")).status()).isEqualTo(403);
        }
        assertThat(http().get("/v1/views/origin_view").json().get("status").asText()).isEqualTo("ACTIVE");
        // Reads are not refused: another origin cannot read their answers anyway (no CORS).
        assertThat(RawHttp.send(api(), "GET", "/api/v1/views", headers("Origin", "http://evil.example")).status())
                .isEqualTo(200);
    }

    @Test
    void onlyLoopbackAndConfiguredHostsAreServed() {
        for (String host : new String[] {"evil.example", "evil.example:" + api(), "localhost.evil.example",
                                         "0.0.0.0:" + api(), "10.1.2.3"}) {
            RawHttp.Reply r = RawHttp.send(api(), "GET", "/api/v1/views", headers("Host", host));
            assertThat(r.status()).as(host).isEqualTo(403);
            assertThat(r.isProblem()).isTrue();
            assertThat(r.body()).contains("Host");
        }
        for (String host : new String[] {"localhost:" + api(), "127.0.0.1", "[::1]:" + api(), "127.1.2.3",
                                         "sideview.internal", "SIDEVIEW.internal:" + api()}) {
            assertThat(RawHttp.send(api(), "GET", "/api/v1/views", headers("Host", host)).status()).as(host).isEqualTo(200);
        }
        // Nor a forwarded one (used when useForwardedHeaders is on).
        assertThat(RawHttp.send(api(), "GET", "/api/v1/views", headers("X-Forwarded-Host", "evil.example")).status())
                .isEqualTo(403);
        assertThat(RawHttp.send(api(), "GET", "/api/v1/views", headers("Forwarded", "for=1.2.3.4;host=evil.example"))
                .status()).isEqualTo(403);
        assertThat(RawHttp.send(api(), "GET", "/api/v1/views", headers("X-Forwarded-Host", "sideview.internal")).status())
                .isEqualTo(200);
        // A refused Host is never echoed in a Location: the create is refused before it runs.
        RawHttp.Reply create = RawHttp.send(api(), "POST", "/api/v1/views",
                headers("Host", "evil.example", "Content-Type", "application/json"), String.format(VIEW, "host_view"));
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.header("Location")).isNull();
        assertThat(exists("host_view")).isFalse();
        RawHttp.Reply allowed = RawHttp.send(api(), "POST", "/api/v1/views",
                headers("Host", "sideview.internal:" + api(), "Content-Type", "application/json"), String.format(VIEW, "host_view"));
        assertThat(allowed.status()).isEqualTo(201);
        assertThat(allowed.header("Location")).startsWith("http://sideview.internal:" + api() + "/");
    }

    @Test
    void theAdminPortRefusesTheSame() {
        int admin = APP.getAdminPort();
        assertThat(http().post("/v1/views", String.format(VIEW, "admin_view")).status()).isEqualTo(201);
        assertThat(RawHttp.send(admin, "POST", "/tasks/view-deactivate?name=admin_view",
                headers("Origin", "http://evil.example")).status()).isEqualTo(403);
        assertThat(RawHttp.send(admin, "POST", "/tasks/view-deactivate?name=admin_view",
                headers("Sec-Fetch-Site", "cross-site")).status()).isEqualTo(403);
        assertThat(RawHttp.send(admin, "POST", "/tasks/view-deactivate?name=admin_view",
                headers("Host", "evil.example")).status()).isEqualTo(403);
        RawHttp.Reply form = RawHttp.send(admin, "POST", "/tasks/view-create",
                headers("Content-Type", "text/plain"), String.format(VIEW, "admin_form"));
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.isProblem()).isTrue();
        assertThat(exists("admin_form")).isFalse();
        assertThat(http().get("/v1/views/admin_view").json().get("status").asText()).isEqualTo("ACTIVE");
        RawHttp.Reply ok = RawHttp.send(admin, "POST", "/tasks/view-deactivate?name=admin_view", Map.of());
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).contains("is INACTIVE");
    }

    @Test
    void aTokenInTheUrlIsRefused() {
        for (String path : new String[] {"/api/v1/views?access_token=x", "/api/v1/views/any/count?start=1&access_token=x",
                                         "/api/v1/me?access%5Ftoken=x", "/?access_token=x"}) {
            RawHttp.Reply r = RawHttp.send(api(), "GET", path, Map.of());
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.isProblem()).isTrue();
            assertThat(r.body()).contains("Authorization header");
        }
        assertThat(RawHttp.send(APP.getAdminPort(), "POST", "/tasks/view-list?access_token=x", Map.of()).status())
                .isEqualTo(401);
    }
}
