package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.Examples;
import io.sideview.Http;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service is killed with SIGKILL (no clean shutdown) twice while a workload runs on the
 * shards and restarted each time: afterwards the view still equals SQL over both shards — nothing
 * lost (offsets are committed only after apply), nothing counted twice (apply is crash-exact).
 */
class CdcCrashIT {
    private static final List<MariaDbShard> SHARDS = new ArrayList<>();
    private static final Path JAR = Path.of("target", "sideview.jar");
    private static jakarta.ws.rs.client.Client client;
    private static Path dir;
    private static Path config;
    private static int port;
    private static Process service;

    @BeforeAll
    static void start() throws Exception {
        SHARDS.add(MariaDbShard.start("c0", 201));
        SHARDS.add(MariaDbShard.start("c1", 202));
        dir = Files.createTempDirectory("sideview-crash-");
        config = dir.resolve("sideview.yml");
        Files.writeString(config, Examples.text("sideview-two-shards.yml")
                .replace("${SHARD_PASSWORD}", MariaDbShard.CDC_PASSWORD)
                .replace("port: 3307", "port: " + SHARDS.get(0).port())
                .replace("port: 3308", "port: " + SHARDS.get(1).port()));
        port = freePort();
        client = JerseyClientBuilder.createClient();
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.destroyForcibly().waitFor();
        }
        client.close();
        for (MariaDbShard s : SHARDS) {
            s.close();
        }
    }

    static Http http() {
        return new Http(client, "http://127.0.0.1:" + port + "/api", null);
    }

    @Test
    void killedTwiceMidWorkloadStaysExact() throws Exception {
        FriendsWorkload workload = new FriendsWorkload(SHARDS, 7);
        workload.createSchema(Examples.text("friends.sql"));
        workload.run(800);
        service = launch();
        assertThat(http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);

        CompletableFuture<Integer> load = CompletableFuture.supplyAsync(() -> {
            try {
                return workload.run(8000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int crash = 0; crash < 2; crash++) {
            Thread.sleep(2500);
            service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            Thread.sleep(500);
            service = launch();
        }
        assertThat(load.get(5, TimeUnit.MINUTES)).isGreaterThanOrEqualTo(8000);
        ViewVsSql.awaitExact(CdcCrashIT::http, workload, "after two kills and restarts", 180);
    }

    private static Process launch() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-jar", JAR.toString(), "server", config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("service.log").toFile()));
        pb.environment().put("SIDEVIEW_DATA", dir.resolve("data").toString());
        pb.environment().put("SIDEVIEW_PORT", String.valueOf(port));
        pb.environment().put("SIDEVIEW_ADMIN_PORT", String.valueOf(freePort()));
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                if (http().get("/v1/views").status() == 200) {
                    return p;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("service exited: see " + dir.resolve("service.log"));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("service did not start: see " + dir.resolve("service.log"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
