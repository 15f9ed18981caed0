package io.sideview;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, run as a user runs it (README start command: {@code java -jar target/sideview.jar
 * server config.yml} on the top-level config.yml): it carries the migrations, {@code db status} and
 * {@code db migrate} work on a fresh DB, and a created view survives a restart. Runs after
 * {@code package} (failsafe).
 */
@Tag("integration")
class PackagedJarIT {
    private static final Path JAR = Path.of("target", "sideview.jar");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void jarContainsMigrationsAndUi() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getEntry("migrations/changelog.xml")).isNotNull();
            assertThat(jar.getEntry("migrations/changes/0001-schema-registry.xml")).isNotNull();
            assertThat(jar.getEntry("assets/index.html")).isNotNull();
            // Sideview's CommonEventMeter (lazy LastEvent), not Debezium's, is the one in the jar.
            try (var meter = jar.getInputStream(jar.getEntry("io/debezium/pipeline/meters/CommonEventMeter.class"))) {
                assertThat(new String(meter.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .contains(io.debezium.pipeline.meters.CommonEventMeter.SIDEVIEW_SHADOW);
            }
        }
    }

    @Test
    void dbStatusListsPendingThenMigrateAppliesThem() throws Exception {
        Path data = Files.createTempDirectory("sideview-jar-db-");
        Run status = run(data, "db", "status", "config.yml");
        assertThat(status.exit()).as(status.output()).isZero();
        assertThat(status.output()).contains("22 changesets have not been applied");

        Run migrate = run(data, "db", "migrate", "config.yml");
        assertThat(migrate.exit()).as(migrate.output()).isZero();

        Run after = run(data, "db", "status", "config.yml");
        assertThat(after.output()).contains("is up to date");
        assertThat(data.resolve("metadata.mv.db")).as("H2 file under SIDEVIEW_DATA").exists();
    }

    @Test
    void startCommandServesTheApiAndKeepsViewsAcrossRestarts() throws Exception {
        Path data = Files.createTempDirectory("sideview-jar-run-");
        int port = freePort();
        Process first = start(data, port);
        try {
            assertThat(await(port, "/api/v1/views")).isEqualTo("[]");
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(uri(port, "/api/v1/views"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Examples.text("follows-view.json"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.body()).contains("\"revision\":1");
        } finally {
            stop(first);
        }
        Process second = start(data, port);
        try {
            assertThat(await(port, "/api/v1/views/follows")).contains("\"name\":\"follows\"");
        } finally {
            stop(second);
        }
    }

    private record Run(int exit, String output) {}

    private Run run(Path data, String... args) throws Exception {
        Path log = Files.createTempFile("sideview-cli-", ".log");
        ProcessBuilder pb = command(data, 0, args).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(log));
    }

    private Process start(Path data, int port) throws IOException {
        Path log = data.resolve("server.log");
        return command(data, port, "server", "config.yml").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static ProcessBuilder command(Path data, int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("SIDEVIEW_DATA", data.toString());
        if (port > 0) {
            env.put("SIDEVIEW_PORT", String.valueOf(port));
            env.put("SIDEVIEW_ADMIN_PORT", String.valueOf(freePortUnchecked()));
        }
        return pb;
    }

    private String await(int port, String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(port, path)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return r.body();
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("service did not answer " + path + " on port " + port, last);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int freePortUnchecked() {
        try {
            return freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
