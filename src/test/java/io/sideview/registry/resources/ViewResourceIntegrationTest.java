package io.sideview.registry.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import io.sideview.registry.InvalidDefinitions;
import jakarta.ws.rs.client.Entity;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The registry over real HTTP, on an H2 file, with the documented examples. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class ViewResourceIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-registry-")));

    private Http http;

    @BeforeEach
    void clean() {
        http = new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null);
        for (JsonNode v : http.get("/v1/views").json()) {
            String name = v.get("name").asText();
            http.post("/v1/views/" + name + "/deactivate", "");
            assertThat(http.delete("/v1/views/" + name).status()).isEqualTo(204);
        }
    }

    @Test
    void listsNothingThenCreatesRevisionOne() {
        Http.Reply empty = http.get("/v1/views");
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.body()).isEqualTo("[]");

        Http.Reply created = http.post("/v1/views", Examples.text("follows-view.json"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.location().getPath()).isEqualTo("/api/v1/views/follows");
        JsonNode body = created.json();
        assertThat(body.get("revision").asInt()).isEqualTo(1);
        assertThat(body.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(body.get("id").asLong()).isPositive();
        assertThat(body.at("/definition/properties/0/id").asInt()).isEqualTo(1);
        assertThat(body.at("/definition/indexes/0/id").asInt()).isEqualTo(1);

        JsonNode list = http.get("/v1/views").json();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("name").asText()).isEqualTo("follows");
        assertThat(http.get("/v1/views/follows").json().get("captured").asBoolean()).isFalse();
    }

    @Test
    void capturedExampleIsAccepted() {
        Http.Reply created = http.post("/v1/views", Examples.text("friends-view.json"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("captured").asBoolean()).isTrue();
        assertThat(created.json().at("/definition/binding/softDelete/equals").asText()).isEqualTo("DELETED");
    }

    static List<InvalidDefinitions.Case> invalid() {
        return InvalidDefinitions.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidDefinitionGetsProblemNamingTheFieldAndLeavesNoRow(InvalidDefinitions.Case c) {
        Http.Reply r = http.post("/v1/views", c.body());
        assertThat(r.status()).isEqualTo(c.status());
        assertThat(r.isProblem()).as(r.mediaType()).isTrue();
        assertThat(r.json().get("status").asInt()).isEqualTo(c.status());
        assertThat(r.json().get("errors")).anySatisfy(e -> {
            assertThat(e.get("field").asText()).isEqualTo(c.field());
            assertThat(e.get("reason").asText()).contains(c.reason());
        });
        assertThat(http.get("/v1/views").body()).isEqualTo("[]");
    }

    @Test
    void duplicateNameIsAConflict() {
        assertThat(http.post("/v1/views", Examples.text("follows-view.json")).status()).isEqualTo(201);
        Http.Reply again = http.post("/v1/views", Examples.text("follows-view.json"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().at("/errors/0/field").asText()).isEqualTo("name");
        assertThat(http.get("/v1/views").json()).hasSize(1);
    }

    @Test
    void updateCreatesRevisionTwoAndKeepsHistory() {
        http.post("/v1/views", Examples.text("follows-view.json"));
        ObjectNode next = Examples.json("follows-view.json");
        next.withArray("properties").addObject().put("name", "muted").put("type", "boolean").put("nullable", true);
        next.withArray("indexes").addObject().put("name", "by_target").putArray("fields").addObject().put("field", "target");

        Http.Reply updated = http.put("/v1/views/follows", next.toString());
        assertThat(updated.status()).isEqualTo(200);
        JsonNode body = updated.json();
        assertThat(body.get("revision").asInt()).isEqualTo(2);
        assertThat(body.at("/definition/properties/0/id").asInt()).as("existing id kept").isEqualTo(1);
        assertThat(body.at("/definition/properties/1/id").asInt()).as("new id allocated").isEqualTo(2);
        assertThat(body.at("/definition/indexes/1/id").asInt()).isEqualTo(2);

        JsonNode revisions = http.get("/v1/views/follows/revisions").json();
        assertThat(revisions).hasSize(2);
        assertThat(revisions.get(0).get("revision").asInt()).isEqualTo(1);
        assertThat(revisions.get(0).at("/definition/properties")).hasSize(1);
        assertThat(revisions.get(1).get("revision").asInt()).isEqualTo(2);
        assertThat(revisions.get(1).at("/definition/properties")).hasSize(2);

        Http.Reply same = http.put("/v1/views/follows", body.get("definition").toString());
        assertThat(same.status()).as("a fetched definition can be sent back: " + same.body()).isEqualTo(200);
        assertThat(same.json().get("revision").asInt()).as("unchanged PUT is idempotent").isEqualTo(2);
    }

    @Test
    void incompatibleChangesAreRefusedWithAReason() {
        http.post("/v1/views", Examples.text("follows-view.json"));
        Http.Reply r = http.put("/v1/views/follows", Examples.json("follows-view.json").put("sourceType", "string").toString());
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().at("/errors/0/field").asText()).isEqualTo("sourceType");
        assertThat(r.json().at("/errors/0/reason").asText()).contains("cannot change from long to string");

        ObjectNode noIndex = Examples.json("follows-view.json");
        noIndex.putArray("indexes");
        JsonNode indexProblem = http.put("/v1/views/follows", noIndex.toString()).json();
        assertThat(indexProblem.get("status").asInt()).isEqualTo(409);
        assertThat(indexProblem.at("/errors/0/reason").asText()).contains("index 'recent' is in use");

        ObjectNode required = Examples.json("follows-view.json");
        required.withArray("properties").addObject().put("name", "weight").put("type", "int");
        JsonNode requiredProblem = http.put("/v1/views/follows", required.toString()).json();
        assertThat(requiredProblem.at("/errors/0/field").asText()).isEqualTo("properties[1]");
        assertThat(requiredProblem.at("/errors/0/reason").asText()).contains("must be nullable or have a default");

        assertThat(http.get("/v1/views/follows/revisions").json()).as("nothing stored").hasSize(1);
    }

    @Test
    void validateIsADryRunOfCreateOrUpdate() {
        Http.Reply ok = http.post("/v1/views/validate", Examples.text("follows-view.json"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().at("/properties/0/id").asInt()).isEqualTo(1);
        assertThat(http.get("/v1/views").body()).as("nothing stored").isEqualTo("[]");

        Http.Reply bad = http.post("/v1/views/validate", Examples.json("follows-view.json").put("direction", "UP").toString());
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().at("/errors/0/field").asText()).isEqualTo("direction");

        http.post("/v1/views", Examples.text("follows-view.json"));
        Http.Reply incompatible = http.post("/v1/views/validate", Examples.json("follows-view.json").put("sourceType", "string").toString());
        assertThat(incompatible.status()).isEqualTo(409);
        assertThat(incompatible.json().at("/errors/0/field").asText()).isEqualTo("sourceType");
        assertThat(http.get("/v1/views/follows/revisions").json()).hasSize(1);
    }

    @Test
    void renameThroughPutIsRefused() {
        http.post("/v1/views", Examples.text("follows-view.json"));
        Http.Reply r = http.put("/v1/views/follows", Examples.json("follows-view.json").put("name", "followers").toString());
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().at("/errors/0/field").asText()).isEqualTo("name");
    }

    @Test
    void deleteNeedsDeactivationFirst() {
        http.post("/v1/views", Examples.text("follows-view.json"));
        Http.Reply refused = http.delete("/v1/views/follows");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().at("/errors/0/reason").asText()).contains("deactivate it before deleting");

        assertThat(http.post("/v1/views/follows/deactivate", "").json().get("status").asText()).isEqualTo("INACTIVE");
        ObjectNode noIndex = Examples.json("follows-view.json");
        noIndex.putArray("indexes");
        assertThat(http.put("/v1/views/follows", noIndex.toString()).status()).as("index no longer in use").isEqualTo(200);

        assertThat(http.delete("/v1/views/follows").status()).isEqualTo(204);
        Http.Reply gone = http.get("/v1/views/follows");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.isProblem()).isTrue();
    }

    @Test
    void unknownViewAndWrongMediaTypeAreProblems() {
        Http.Reply missing = http.get("/v1/views/nope/revisions");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("detail").asText()).contains("no view named 'nope'");

        Http.Reply text = http.post("/v1/views", Entity.text("hello"));
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.isProblem()).isTrue();

        Http.Reply noRoute = http.get("/v1/nothing-here");
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.isProblem()).isTrue();
    }

    @Test
    void uiIsServedAtRoot() {
        Http.Reply r = new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort(), null).get("/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("<title>Sideview</title>");
    }
}
