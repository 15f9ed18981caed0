package io.sideview.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Open mode (the default): a page of another origin cannot change anything, on the API or the admin port. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class CrossOriginBrowserIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-xorigin-")));

    @Test
    void aPageOfAnotherOriginChangesNothing() {
        Http api = new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null);
        assertThat(api.post("/v1/views", CrossOriginAttack.view(CrossOriginAttack.VICTIM)).status()).isEqualTo(201);
        long refusedBefore = refused();
        try (Browser browser = new Browser()) {
            String title = CrossOriginAttack.run(browser, APP.getLocalPort(), APP.getAdminPort());
            assertThat(title).as("every request was sent").isEqualTo("done sent,sent,sent,sent,sent,sent");
        }
        // They reached the service and were refused there (403 or 415), not lost on the way.
        assertThat(refused() - refusedBefore).isGreaterThanOrEqualTo(4);
        CrossOriginAttack.assertUnchanged(api);
    }

    private static long refused() {
        return APP.getEnvironment().metrics().getMeters().entrySet().stream()
                .filter(e -> e.getKey().endsWith(".4xx-responses") && e.getKey().contains("jetty"))
                .mapToLong(e -> e.getValue().getCount()).sum();
    }
}
