package io.sideview;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The packaged service in a child JVM, so a test can kill it with SIGKILL (no clean shutdown) and start it again. */
public final class ServiceProcess {
    public static final Path JAR = Path.of("target", "sideview.jar");

    private ServiceProcess() {
    }

    /**
     * Starts {@code java -jar target/sideview.jar server config} with its data under {@code dir}/data,
     * its output appended to {@code dir}/service.log, and returns once {@code http} answers.
     */
    public static Process launch(Path config, Path dir, int port, Supplier<Http> http) throws Exception {
        return launch(config, dir, port, http, List.of());
    }

    /** The same with more JVM arguments, such as {@code -Ddw.<key>=<value>} configuration overrides. */
    public static Process launch(Path config, Path dir, int port, Supplier<Http> http, List<String> jvmArgs)
            throws Exception {
        return launch(config, dir, port, freePort(), http, jvmArgs);
    }

    /** The same with the admin port chosen by the caller (to read its metrics or run its tasks). */
    public static Process launch(Path config, Path dir, int port, int adminPort, Supplier<Http> http, List<String> jvmArgs)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", JAR.toString(), "server", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("service.log").toFile()));
        pb.environment().put("SIDEVIEW_DATA", dir.resolve("data").toString());
        pb.environment().put("SIDEVIEW_PORT", String.valueOf(port));
        pb.environment().put("SIDEVIEW_ADMIN_PORT", String.valueOf(adminPort));
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                if (http.get().get("/v1/views").status() == 200) {
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

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
