package io.sideview.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.RawHttp;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With the request log on (default line format), a token sent in the URL never reaches the log file. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class RequestLogIntegrationTest {
    static final Path DIR = TestApps.tempDir("sideview-requestlog-");
    static final Path LOG = DIR.resolve("requests.log");
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, config(), TestApps.overrides(DIR));

    private static String config() {
        try {
            String yaml = Files.readString(Path.of(TestApps.CONFIG)).replace("  requestLog:\n    appenders: []",
                    "  requestLog:\n    appenders:\n      - type: file\n        currentLogFilename: " + LOG
                            + "\n        archive: false");
            Path file = DIR.resolve("config.yml");
            Files.writeString(file, yaml);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aTokenInTheUrlIsNotLogged() throws Exception {
        assertThat(RawHttp.send(APP.getLocalPort(), "GET", "/api/v1/views?access_token=sekrit-token-42", Map.of()).status())
                .isEqualTo(401);
        assertThat(RawHttp.send(APP.getLocalPort(), "GET", "/api/v1/views/x/count?start=1&access_token=sekrit-token-42",
                Map.of()).status()).isEqualTo(401);
        assertThat(RawHttp.send(APP.getLocalPort(), "GET", "/api/v1/ping", Map.of()).status()).isEqualTo(200);
        String log = "";
        for (int i = 0; i < 50 && !log.contains("/api/v1/ping"); i++) {
            Thread.sleep(100);
            log = Files.exists(LOG) ? Files.readString(LOG) : "";
        }
        assertThat(log).contains("GET /api/v1/views HTTP/1.1\" 401").contains("/api/v1/ping").doesNotContain("sekrit");
    }
}
