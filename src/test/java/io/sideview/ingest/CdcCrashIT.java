package io.sideview.ingest;

import org.junit.jupiter.api.Tag;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.Examples;
import io.sideview.Http;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service is killed with SIGKILL (no clean shutdown) twice while a workload runs on the
 * shards and restarted each time: afterwards the view still equals SQL over both shards — nothing
 * lost (offsets are committed only after apply), nothing counted twice (apply is crash-exact).
 */
@Tag("integration")
class CdcCrashIT {
    private static final Path JAR = Path.of("target", "sideview.jar");
    private static CdcTestApp cdc;
    private static int port;
    private static Process service;

    @BeforeAll
    static void start() throws Exception {
        cdc = new CdcTestApp("c", 201);
        port = freePort();
        cdc.usePort(port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.destroyForcibly().waitFor();
        }
        cdc.close();
    }

    static Http http() {
        return cdc.http();
    }

    @Test
    void killedTwiceMidWorkloadStaysExact() throws Exception {
        FriendsWorkload workload = cdc.workload(7);
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
                "-jar", JAR.toString(), "server", cdc.config().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(cdc.dir.resolve("service.log").toFile()));
        pb.environment().put("SIDEVIEW_DATA", cdc.dir.resolve("data").toString());
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
                throw new IllegalStateException("service exited: see " + cdc.dir.resolve("service.log"));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("service did not start: see " + cdc.dir.resolve("service.log"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
