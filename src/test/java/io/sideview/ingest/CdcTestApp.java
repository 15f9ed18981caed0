package io.sideview.ingest;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.jersey.client.JerseyClientBuilder;

/**
 * Two throwaway MariaDB shards and the documented two-shard config pointed at them: what every CDC
 * test starts from. The service runs in process ({@link #startApp}) or, for kill tests, from the
 * packaged jar with {@link #config()}.
 */
final class CdcTestApp implements AutoCloseable {
    final List<MariaDbShard> shards = new ArrayList<>();
    final Path dir;
    private DropwizardTestSupport<SideviewConfiguration> app;
    private jakarta.ws.rs.client.Client client;
    private int port;

    CdcTestApp(String prefix, int firstServerId) throws Exception {
        shards.add(MariaDbShard.start(prefix + "0", firstServerId));
        shards.add(MariaDbShard.start(prefix + "1", firstServerId + 1));
        dir = TestApps.tempDir("sideview-" + prefix + "-");
        Files.writeString(config(), Examples.text("sideview-two-shards.yml")
                .replace("${SHARD_PASSWORD}", MariaDbShard.CDC_PASSWORD)
                // Both ports marked first: shard0's real port may begin with 3308 (33081), which a second
                // replace of "port: 3308" would corrupt into a port above 65535.
                .replace("port: 3307", "port: @SHARD0_PORT@")
                .replace("port: 3308", "port: @SHARD1_PORT@")
                .replace("@SHARD0_PORT@", String.valueOf(shards.get(0).port()))
                .replace("@SHARD1_PORT@", String.valueOf(shards.get(1).port()))
                .replace("server:\n", "server:\n  requestLog:\n    appenders: []\n"));
        client = JerseyClientBuilder.createClient();
    }

    /** docs/examples/sideview-two-shards.yml with the real shard ports and password. */
    Path config() {
        return dir.resolve("sideview.yml");
    }

    CdcTestApp startApp(ConfigOverride... extra) throws Exception {
        return startApp(null, extra);
    }

    /** {@code listener}: sees the environment after {@code run()}, before the server starts (null: none). */
    CdcTestApp startApp(DropwizardTestSupport.ServiceListener<SideviewConfiguration> listener, ConfigOverride... extra)
            throws Exception {
        app = new DropwizardTestSupport<>(SideviewApplication.class, config().toString(), TestApps.overrides(dir, extra));
        if (listener != null) {
            app.addListener(listener);
        }
        app.before();
        port = app.getLocalPort();
        return this;
    }

    /** A clean stop of the in-process service (its data dir stays for the next start). */
    void stopApp() {
        app.after();
        app = null;
    }

    /** For a service started elsewhere (the packaged jar). */
    void usePort(int servicePort) {
        port = servicePort;
    }

    DropwizardTestSupport<SideviewConfiguration> app() {
        return app;
    }

    Http http() {
        return new Http(client, "http://127.0.0.1:" + port + "/api", null);
    }

    boolean healthy(String check) {
        return app.getEnvironment().healthChecks().runHealthCheck(check).isHealthy();
    }

    FriendsWorkload workload(long seed) throws Exception {
        FriendsWorkload w = new FriendsWorkload(shards, seed);
        w.createSchema(Examples.text("friends.sql"));
        return w;
    }

    @Override
    public void close() throws Exception {
        client.close();
        if (app != null) {
            app.after();
        }
        for (MariaDbShard s : shards) {
            s.close();
        }
    }
}
