package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.db.DataSourceFactory;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.MetadataDatabases;
import io.sideview.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, shard ownership: three packaged nodes over one HBase, one Kafka and one PostgreSQL
 * metadata DB capture two MariaDB shards. In the steady state each shard's engine runs on exactly one
 * node (the others show it ELSEWHERE) and each shard has exactly one binlog connection; after a
 * kill -9 of the node running a shard mid-workload, another node takes the shard over, and every
 * surviving node answers like SQL, with VERIFY exact (nothing lost, nothing counted twice). GET /api/v1/cluster
 * shows the same owners, before and after, and the killed node dead.
 */
@Tag("integration")
class ClusterIT {
    private static final jakarta.ws.rs.client.Client CLIENT = JerseyClientBuilder.createClient();

    /** One node: its own port and data dir, the shared configuration. */
    private static final class Node {
        final String name;
        final int port;
        final Path dir;
        Process process;

        Node(String name, Path parent) throws Exception {
            this.name = name;
            this.port = ServiceProcess.freePort();
            this.dir = Files.createDirectories(parent.resolve(name));
        }

        Http http() {
            return new Http(CLIENT, "http://127.0.0.1:" + port + "/api", null);
        }

        void start(Path config, List<String> jvmArgs) throws Exception {
            process = ServiceProcess.launch(config, dir, port, this::http, jvmArgs);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        /** Shard (group/shard) to its engine state on this node. */
        Map<String, JsonNode> shards() {
            Map<String, JsonNode> out = new HashMap<>();
            http().get("/v1/ingest/status").json().get("shards").forEach(s ->
                    out.put(s.get("group").asText() + "/" + s.get("shard").asText(), s));
            return out;
        }
    }

    @Test
    void eachShardRunsOnOneNodeAndMovesWhenItsNodeIsKilled() throws Exception {
        try (CdcTestApp cdc = new CdcTestApp("cluster", 900)) {
            DataSourceFactory db = MetadataDatabases.POSTGRESQL.create();
            List<String> args = new ArrayList<>(Corner.jvmArgs(Corner.HBASE_KAFKA.settings()));
            args.addAll(List.of("-Ddw.database.driverClass=" + db.getDriverClass(), "-Ddw.database.url=" + db.getUrl(),
                    "-Ddw.database.user=" + db.getUser(), "-Ddw.database.password=" + (db.getPassword() == null ? "" : db.getPassword()),
                    "-Ddw.wal.kafka.sessionTimeout=6s"));
            FriendsWorkload workload = cdc.workload(91);
            workload.run(1500);
            List<Node> nodes = List.of(new Node("a", cdc.dir), new Node("b", cdc.dir), new Node("c", cdc.dir));
            try {
                nodes.get(0).start(cdc.config(), args);
                assertThat(nodes.get(0).http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
                nodes.get(1).start(cdc.config(), args);
                nodes.get(2).start(cdc.config(), args);

                Map<String, Node> owners = awaitOneOwnerEach(nodes);
                assertThat(owners.values()).as("two shards over three nodes go to two nodes").doesNotHaveDuplicates();
                for (MariaDbShard shard : cdc.shards) {
                    assertThat(binlogReaders(shard)).as("binlog connections of " + shard.port()).isEqualTo(1);
                }
                for (Node n : nodes) {
                    n.shards().values().forEach(s -> assertThat(s.get("lastError").isNull())
                            .as(n.name + ": " + s).isTrue());
                }
                awaitClusterShows(nodes.get(2), owners, null);
                ViewVsSql.awaitExact(nodes.get(2)::http, workload, "three nodes, after the copy", 300);

                CompletableFuture<Integer> load = workload.runAsync(6000);
                Thread.sleep(2000);
                Node victim = owners.get("friends/shard0");
                victim.kill();
                List<Node> alive = nodes.stream().filter(Node::alive).toList();
                Map<String, Node> after = awaitOneOwnerEach(alive);
                assertThat(after.get("friends/shard0")).isNotSameAs(victim);
                awaitClusterShows(alive.get(0), after, victim);
                assertThat(load.get(5, TimeUnit.MINUTES)).isGreaterThanOrEqualTo(6000);
                for (Node n : alive) {
                    ViewVsSql.awaitExact(n::http, workload, "node " + n.name + " after " + victim.name + " was killed", 300);
                }
                JsonNode verify = SourceVerifyIntegrationTest.job(alive.get(0).http(), "{\"type\":\"VERIFY\",\"view\":\"friends\"}");
                assertThat(verify.at("/result/exact").asBoolean()).as(verify.toString()).isTrue();
                Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    for (MariaDbShard shard : cdc.shards) {
                        assertThat(binlogReaders(shard)).as("binlog connections of " + shard.port()).isEqualTo(1);
                    }
                });
            } finally {
                for (Node n : nodes) {
                    if (n.process != null) {
                        n.kill();
                    }
                }
            }
        }
    }

    /** Waits until each shard streams on exactly one node and shows ELSEWHERE on every other; shard to node. */
    private static Map<String, Node> awaitOneOwnerEach(List<Node> nodes) {
        Map<String, Node> owners = new HashMap<>();
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            owners.clear();
            Map<String, Integer> running = new HashMap<>();
            boolean settled = true;
            for (Node n : nodes) {
                for (var e : n.shards().entrySet()) {
                    String state = e.getValue().get("state").asText();
                    if (state.equals("STREAMING")) {
                        owners.put(e.getKey(), n);
                        running.merge(e.getKey(), 1, Integer::sum);
                    } else if (!state.equals("ELSEWHERE")) {
                        settled = false;
                    }
                }
            }
            return settled && running.size() == 2 && running.values().stream().allMatch(c -> c == 1);
        });
        return owners;
    }

    /**
     * GET /v1/cluster on {@code asked} agrees with the engines: each shard's owner is the node streaming it,
     * no shard or WAL partition is orphaned, each of the 4 WAL partitions has one live owner, and the
     * killed node (if any) is listed dead.
     */
    private static void awaitClusterShows(Node asked, Map<String, Node> owners, Node dead) {
        Awaitility.await("GET /v1/cluster on " + asked.name + " agrees with the engines").atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode c = asked.http().get("/v1/cluster").json();
                    Map<Integer, JsonNode> byPort = new HashMap<>();
                    c.get("nodes").forEach(n -> {
                        if (n.hasNonNull("address")) {
                            byPort.put(Integer.parseInt(n.get("address").asText().replaceAll(".*:", "")), n);
                        }
                    });
                    assertThat(byPort.get(asked.port).get("self").asBoolean()).isTrue();
                    for (JsonNode shard : c.get("shards")) {
                        Node owner = owners.get(shard.get("shard").asText());
                        assertThat(shard.get("owner").asText()).as(shard.toString())
                                .isEqualTo(byPort.get(owner.port).get("name").asText());
                        assertThat(shard.get("orphaned").asBoolean()).isFalse();
                    }
                    assertThat(c.get("partitions")).hasSize(4).allSatisfy(p -> {
                        assertThat(p.get("owners")).as(p.toString()).hasSize(1);
                        assertThat(p.get("orphaned").asBoolean()).isFalse();
                    });
                    assertThat(c.get("walConsumer").isObject()).isTrue();
                    if (dead != null) {
                        assertThat(byPort.get(dead.port).get("alive").asBoolean()).as("the killed node").isFalse();
                    }
                });
    }

    /** Replication (binlog dump) connections the shard serves now. */
    private static int binlogReaders(MariaDbShard shard) throws Exception {
        try (Connection c = shard.root(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
