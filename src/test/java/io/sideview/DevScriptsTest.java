package io.sideview;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dev/ scripts parse, and dev/cluster.sh refuses bad arguments with exit code 2 and a message
 * before it starts anything, so these run in a second with no Kafka, HBase or MariaDB around. What
 * the script starts is checked by hand (README, "Running several nodes"), not here: a three-node
 * cluster is minutes of two cores.
 */
class DevScriptsTest {
    private static final Path CLUSTER = Path.of("dev", "cluster.sh");

    private record Result(int code, String out) {}

    private static Result bash(String... args) throws IOException, InterruptedException {
        return bash(java.util.Map.of(), args);
    }

    private static Result bash(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("env"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.add("bash");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in 30 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void everyDevScriptParses() throws Exception {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(Path.of("dev"))) {
            scripts = files.filter(f -> f.toString().endsWith(".sh")).sorted().toList();
        }
        assertThat(scripts).contains(CLUSTER);
        for (Path script : scripts) {
            Result r = bash("-n", script.toString());
            assertThat(r.code()).as(script + ": " + r.out()).isZero();
        }
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        Result r = bash(CLUSTER.toString(), "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("dev/cluster.sh up", "dev/cluster.sh status", "dev/cluster.sh kill NODE",
                "dev/cluster.sh pause NODE", "dev/cluster.sh resume NODE", "dev/cluster.sh start NODE",
                "dev/cluster.sh workload", "dev/cluster.sh down");
    }

    @ParameterizedTest(name = "SIDEVIEW_CLUSTER_SESSION_TIMEOUT={0} refused")
    @ValueSource(strings = {"10", "0s", "10ms", "ten"})
    void refusesABadSessionTimeout(String value) throws Exception {
        Result r = bash(java.util.Map.of("SIDEVIEW_CLUSTER_SESSION_TIMEOUT", value), CLUSTER.toString(), "status");
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.out()).contains("SIDEVIEW_CLUSTER_SESSION_TIMEOUT must be whole seconds such as 10s, got '" + value + "'");
    }

    @ParameterizedTest(name = "cluster.sh {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''                        | no command",
        "frob                      | unknown command 'frob'",
        "up now                    | 'up' takes no arguments",
        "status -v                 | 'status' takes no arguments",
        "down a                    | 'down' takes no arguments",
        "kill                      | 'kill' needs one node",
        "kill d                    | unknown node 'd'",
        "kill a b                  | 'kill' needs one node",
        "pause                     | 'pause' needs one node",
        "resume kafka              | unknown node 'kafka'",
        "start 1                   | unknown node '1'",
        "workload --rate 0         | --rate must be a whole number of at least 1",
        "workload --seconds x      | --seconds must be a whole number of at least 1",
        "workload --node z         | unknown node 'z'",
        "workload --rate           | --rate needs a value",
        "workload --fast           | unknown workload option '--fast'",
    })
    void refusesBadArguments(String args, String message) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CLUSTER.toString()));
        if (!args.isBlank()) {
            cmd.addAll(List.of(args.trim().split(" +")));
        }
        Result r = bash(cmd.toArray(String[]::new));
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.out()).contains(message).contains("usage: dev/cluster.sh");
    }
}
