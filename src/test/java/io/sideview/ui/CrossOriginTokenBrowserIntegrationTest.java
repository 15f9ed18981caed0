package io.sideview.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With tokens configured: the same hostile page changes nothing either, the admin port's tasks included. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class CrossOriginTokenBrowserIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-xorigin-tokens-"),
                    ConfigOverride.config("auth.adminTokens", "xo-admin"),
                    ConfigOverride.config("auth.readerTokens", "xo-reader")));

    @Test
    void aPageOfAnotherOriginChangesNothing() {
        Http api = new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", "xo-admin");
        assertThat(api.post("/v1/views", CrossOriginAttack.view(CrossOriginAttack.VICTIM)).status()).isEqualTo(201);
        try (Browser browser = new Browser()) {
            String title = CrossOriginAttack.run(browser, APP.getLocalPort(), APP.getAdminPort());
            assertThat(title).as("every request was sent").isEqualTo("done sent,sent,sent,sent,sent,sent");
        }
        CrossOriginAttack.assertUnchanged(api);
    }
}
