package io.sideview.registry.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import jakarta.ws.rs.client.Entity;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator tasks over the admin port, as an operator would call them. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class RegistryTasksIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-tasks-")));

    private Http admin() {
        return new Http(APP.client(), "http://127.0.0.1:" + APP.getAdminPort() + "/tasks", null);
    }

    private Http api() {
        return new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null);
    }

    @Test
    void createListDeactivate() {
        assertThat(admin().post("/view-list", "").body()).contains("no views");

        Http.Reply created = admin().post("/view-create", Examples.text("friends-view.json"));
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body()).contains("created view 'friends'");
        assertThat(api().get("/v1/views/friends").json().get("revision").asInt()).isEqualTo(1);

        Http.Reply again = admin().post("/view-create", Examples.text("friends-view.json"));
        assertThat(again.body()).as("idempotent").contains("already exists with this definition").contains("revision 1");

        Http.Reply refused = admin().post("/view-create", "{\"name\":\"Bad\"}");
        assertThat(refused.body()).contains("refused: name: must match");
        assertThat(api().get("/v1/views").json()).hasSize(1);

        assertThat(admin().post("/view-list", "").body())
                .contains("friends id=").contains("revision=1 status=ACTIVE captured=friends:social.friends");

        Http.Reply deactivated = admin().post("/view-deactivate?name=friends", Entity.text(""));
        assertThat(deactivated.body()).contains("view 'friends' is INACTIVE (was ACTIVE)");
        assertThat(admin().post("/view-deactivate?name=friends", Entity.text("")).body()).contains("(already)");
        assertThat(admin().post("/view-deactivate?name=ghost", Entity.text("")).body()).contains("refused").contains("no view named 'ghost'");
        assertThat(api().get("/v1/views/friends").json().get("status").asText()).isEqualTo("INACTIVE");
    }
}
