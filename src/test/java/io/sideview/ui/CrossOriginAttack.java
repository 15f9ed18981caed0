package io.sideview.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.sideview.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A hostile page on another origin (http://localhost:{other port}, while the service is at
 * http://127.0.0.1:{port}), loaded in headless Chromium: with no-cors fetches whose bodies are JSON
 * Blobs, and a plain form post, it tries to create a view, write an edge and deactivate a view through
 * the API, and to deactivate and create views through the admin port's tasks. Before issue 15 all of
 * these worked in open mode, and the admin tasks also with tokens configured.
 */
final class CrossOriginAttack {
    static final String VICTIM = "victim";
    private static final String VIEW = "{\"name\":\"%s\",\"sourceType\":\"long\",\"targetType\":\"long\","
            + "\"direction\":\"OUT\",\"properties\":[],\"indexes\":[]}";

    private CrossOriginAttack() {}

    static String view(String name) {
        return String.format(VIEW, name);
    }

    private static String page(int api, int admin) {
        String apiBase = "http://127.0.0.1:" + api;
        String adminBase = "http://127.0.0.1:" + admin;
        String edge = "{\"mutations\":[{\"type\":\"INSERT\",\"source\":1,\"target\":2,\"version\":1}]}";
        return "<!doctype html><html><head><title>attacking</title></head><body><iframe name=sink></iframe><script>\n"
                + "const json = (s) => new Blob([s], {type: 'application/json'});\n"
                + "const shots = [\n"
                + "  ['" + apiBase + "/api/v1/views', json(" + quote(view("evil_api")) + ")],\n"
                + "  ['" + apiBase + "/api/v1/views/" + VICTIM + "/mutations', json(" + quote(edge) + ")],\n"
                + "  ['" + apiBase + "/api/v1/views/" + VICTIM + "/mutations', new Blob([" + quote(edge) + "], {type: 'text/plain'})],\n"
                + "  ['" + apiBase + "/api/v1/views/" + VICTIM + "/deactivate', undefined],\n"
                + "  ['" + adminBase + "/tasks/view-deactivate?name=" + VICTIM + "', undefined],\n"
                + "  ['" + adminBase + "/tasks/view-create', json(" + quote(view("evil_admin")) + ")],\n"
                + "];\n"
                + "(async () => {\n"
                + "  const out = [];\n"
                + "  for (const [url, body] of shots) {\n"
                + "    try { await fetch(url, {method: 'POST', mode: 'no-cors', body}); out.push('sent'); }\n"
                + "    catch (e) { out.push('failed ' + e); }\n"
                + "  }\n"
                + "  const form = document.createElement('form');\n"
                + "  form.method = 'POST'; form.target = 'sink'; form.enctype = 'text/plain';\n"
                + "  form.action = '" + adminBase + "/tasks/view-deactivate?name=" + VICTIM + "';\n"
                + "  document.body.append(form); form.submit();\n"
                + "  await new Promise((r) => setTimeout(r, 500));\n"
                + "  document.title = 'done ' + out.join(',');\n"
                + "})();\n"
                + "</script></body></html>";
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Serves the hostile page on another origin, loads it, and waits until it has sent everything. */
    static String run(Browser browser, int api, int admin) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] html = page(api, admin).getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        server.start();
        try {
            browser.driver.get("http://localhost:" + server.getAddress().getPort() + "/");
            new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(d -> d.getTitle().startsWith("done"));
            return browser.driver.getTitle();
        } finally {
            server.stop(0);
        }
    }

    /** Nothing the page tried happened. */
    static void assertUnchanged(Http api) {
        assertThat(api.get("/v1/views/" + VICTIM).json().get("status").asText()).isEqualTo("ACTIVE");
        assertThat(api.get("/v1/views/evil_api").status()).isEqualTo(404);
        assertThat(api.get("/v1/views/evil_admin").status()).isEqualTo(404);
        assertThat(api.get("/v1/views/" + VICTIM + "/count?start=1").json().at("/counts/0/count").asLong()).isZero();
    }
}
