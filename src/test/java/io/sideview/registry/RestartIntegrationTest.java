package io.sideview.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import java.nio.file.Path;
import java.util.function.Function;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Definitions survive a restart; a pending changeset with migrateOnStartup off stops the start. */
@Tag("integration")
class RestartIntegrationTest {
    private static <T> T withApp(Path dir, Function<Http, T> body, ConfigOverride... extra) throws Exception {
        DropwizardTestSupport<SideviewConfiguration> app = new DropwizardTestSupport<>(SideviewApplication.class,
                TestApps.CONFIG, TestApps.overrides(dir, extra));
        app.before();
        var client = JerseyClientBuilder.createClient();
        try {
            return body.apply(new Http(client, "http://127.0.0.1:" + app.getLocalPort() + "/api", null));
        } finally {
            client.close();
            app.after();
        }
    }

    @Test
    void viewSurvivesRestart() throws Exception {
        Path dir = TestApps.tempDir("sideview-restart-");
        long id = withApp(dir, http -> {
            Http.Reply created = http.post("/v1/views", Examples.text("follows-view.json"));
            assertThat(created.status()).isEqualTo(201);
            return created.json().get("id").asLong();
        });
        withApp(dir, http -> {
            Http.Reply again = http.get("/v1/views/follows");
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().get("id").asLong()).isEqualTo(id);
            assertThat(again.json().get("revision").asInt()).isEqualTo(1);
            return null;
        }, ConfigOverride.config("registry.migrateOnStartup", "false"));
    }

    @Test
    void refusesToStartWithPendingChangesetsWhenNotMigrating() {
        Path fresh = TestApps.tempDir("sideview-pending-");
        assertThatThrownBy(() -> withApp(fresh, http -> null, ConfigOverride.config("registry.migrateOnStartup", "false")))
                .hasStackTraceContaining("pending changeset");
    }
}
