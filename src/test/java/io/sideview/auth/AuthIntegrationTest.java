package io.sideview.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With tokens configured: no token 401, reader token on a write 403, reads and admin writes allowed. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class AuthIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-auth-"),
                    ConfigOverride.config("auth.adminTokens", "admin-secret-1, admin-secret-2"),
                    ConfigOverride.config("auth.readerTokens", "reader-secret")));

    private Http anonymous;

    @BeforeEach
    void setUp() {
        anonymous = new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null);
    }

    @Test
    void noTokenIsUnauthorized() {
        Http.Reply r = anonymous.get("/v1/views");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.challenge()).startsWith("Bearer");
        assertThat(anonymous.post("/v1/views", Examples.text("follows-view.json")).status()).isEqualTo(401);
    }

    @Test
    void wrongTokenIsUnauthorized() {
        assertThat(anonymous.withToken("reader-secretX").get("/v1/views").status()).isEqualTo(401);
        assertThat(anonymous.withToken("").get("/v1/views").status()).isEqualTo(401);
    }

    @Test
    void readerMayReadButNotWrite() {
        Http reader = anonymous.withToken("reader-secret");
        assertThat(reader.get("/v1/views").status()).isEqualTo(200);
        Http.Reply write = reader.post("/v1/views", Examples.text("follows-view.json"));
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.isProblem()).isTrue();
        assertThat(reader.delete("/v1/views/follows").status()).isEqualTo(403);
        assertThat(reader.post("/v1/views/follows/deactivate", "").status()).isEqualTo(403);
        for (String verb : new String[] {"pause", "resume"}) {
            String path = "/v1/ingest/shards/friends/shard0/" + verb;
            assertThat(reader.post(path, "").status()).as(path).isEqualTo(403);
            assertThat(anonymous.post(path, "").status()).as(path).isEqualTo(401);
        }
        assertThat(reader.get("/v1/ingest/status").json().at("/shards/0/state").asText()).as("nothing paused")
                .isNotEqualTo("PAUSED");
    }

    @Test
    void everyAdminTokenMayWrite() {
        Http admin = anonymous.withToken("admin-secret-2");
        Http.Reply created = admin.post("/v1/views", Examples.json("follows-view.json").put("name", "auth_follows").toString());
        assertThat(created.status()).isEqualTo(201);
        assertThat(anonymous.withToken("admin-secret-1").get("/v1/views/auth_follows").status()).isEqualTo(200);
        assertThat(anonymous.withToken("reader-secret").get("/v1/views/auth_follows").status()).isEqualTo(200);
    }

    /** The read shapes are served in front of Jersey (QueryFilter): the same rule must hold there. */
    @Test
    void queriesNeedAReadToken() {
        Http admin = anonymous.withToken("admin-secret-1");
        assertThat(admin.post("/v1/views", Examples.json("follows-view.json").put("name", "auth_reads").toString()).status())
                .isEqualTo(201);
        assertThat(admin.post("/v1/views/auth_reads/mutations", Examples.text("follows-mutations.json")).status())
                .isEqualTo(200);
        for (String query : new String[] {"/count?start=1", "/edge?source=1&target=2", "/scan?start=1",
                                          "/scan?start=3&direction=IN&index=recent", "/mutual?a=1&b=2"}) {
            Http.Reply none = anonymous.get("/v1/views/auth_reads" + query);
            assertThat(none.status()).as(query).isEqualTo(401);
            assertThat(none.isProblem()).as(query).isTrue();
            assertThat(none.challenge()).as(query).startsWith("Bearer");
            assertThat(anonymous.withToken("reader-secretX").get("/v1/views/auth_reads" + query).status()).as(query)
                    .isEqualTo(401);
            assertThat(anonymous.withToken("reader-secret").get("/v1/views/auth_reads" + query).status()).as(query)
                    .isEqualTo(200);
            assertThat(admin.get("/v1/views/auth_reads" + query).status()).as(query).isEqualTo(200);
        }
        Http.Reply count = anonymous.withToken("reader-secret").get("/v1/views/auth_reads/count?start=1");
        assertThat(count.json().get("counts").get(0).get("count").asLong()).isEqualTo(2);
        // A token in the URL (access_token) is refused, even a valid one: URLs end up in logs.
        Http.Reply inUrl = anonymous.get("/v1/views/auth_reads/count?start=1&access_token=reader-secret");
        assertThat(inUrl.status()).isEqualTo(401);
        assertThat(inUrl.body()).contains("Authorization header").doesNotContain("reader-secret");
        assertThat(anonymous.get("/v1/views?access_token=admin-secret-1").status()).isEqualTo(401);
        assertThat(anonymous.get("/v1/views/auth_reads/count?start=1&access_token=nope").status()).isEqualTo(401);
        // The scheme is Bearer, any case; anything else is refused.
        assertThat(anonymous.withAuthorization("bearer reader-secret").get("/v1/views/auth_reads/count?start=1")
                .status()).isEqualTo(200);
        assertThat(anonymous.withAuthorization("Basic reader-secret").get("/v1/views/auth_reads/count?start=1")
                .status()).isEqualTo(401);
    }

    @Test
    void whoAmITellsTheRole() {
        assertThat(anonymous.get("/v1/me").status()).isEqualTo(401);
        Http.Reply reader = anonymous.withToken("reader-secret").get("/v1/me");
        assertThat(reader.status()).isEqualTo(200);
        assertThat(reader.json().get("canWrite").asBoolean()).isFalse();
        assertThat(reader.json().get("roles").toString()).isEqualTo("[\"reader\"]");
        assertThat(reader.json().get("auth").asText()).isEqualTo("token");
        Http.Reply admin = anonymous.withToken("admin-secret-1").get("/v1/me");
        assertThat(admin.json().get("canWrite").asBoolean()).isTrue();
        assertThat(admin.json().get("roles").toString()).isEqualTo("[\"admin\",\"reader\"]");
        // The token itself never comes back.
        assertThat(admin.body()).doesNotContain("admin-secret");
    }
}
