package io.sideview.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Open mode (the default), as a page of another site would try it: security headers everywhere.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class WebSecurityIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-websec-")));

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
}
