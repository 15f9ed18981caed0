package io.sideview.ingest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker in its own process (the broker classes are on the test
 * classpath), so a test can stop it and start it again on the same ports and log dirs, as an
 * operator would (recipes: Kafka broker without Docker).
 */
final class KafkaProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    private KafkaProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static KafkaProcess start() throws Exception {
        Path dir = Files.createTempDirectory("sideview-kafka-broker-").toAbsolutePath();
        int port = freePort();
        int controller = freePort();
        Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller", "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("logs"),
                "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1", "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1", "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true", ""));
        KafkaProcess kafka = new KafkaProcess(dir, port);
        Process format = kafka.java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", dir.resolve("server.properties").toString(), "--standalone");
        if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("kafka storage format failed: " + Files.readString(dir.resolve("kafka.log")));
        }
        kafka.startBroker();
        return kafka;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    void startBroker() throws Exception {
        process = java("kafka.Kafka", dir.resolve("server.properties").toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("kafka exited: " + Files.readString(dir.resolve("kafka.log")));
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("kafka did not open port " + port);
    }

    void stopBroker() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    private Process java(String main, String... args) throws IOException {
        // Kafka's tools want argparse4j 0.7 (Dropwizard pins 0.9): the build copies it to target/kafka-tools.
        String classpath = Path.of("target", "kafka-tools", "argparse4j-0.7.0.jar").toAbsolutePath() + java.io.File.pathSeparator
                + System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, main));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile())).start();
    }

    @Override
    public void close() throws Exception {
        stopBroker();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
