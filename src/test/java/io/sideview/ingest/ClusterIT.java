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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17, shard ownership: three packaged nodes over one HBase, one Kafka and one PostgreSQL
 * metadata DB capture two MariaDB shards. In the steady state each shard's engine runs on exactly one
 * node (the others show it ELSEWHERE) and each shard has exactly one binlog connection; after a
 * kill -9 of the node running a shard mid-workload, another node takes the shard over, and every
 * surviving node answers like SQL, with VERIFY exact (nothing lost, nothing counted twice); then a
 * rolling restart of the three under load, with a query answered at every moment. And a node paused
 * past its session timeout: its late writes are refused (and land, leaving the view wrong, without
 * fencing). GET /api/v1/cluster shows the same shard owners as the engines, before and after the
 * kill, and the killed node dead.
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

        /** A graceful stop (SIGTERM), as a rolling restart makes it. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as(name + " stopped").isTrue();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        /** SIGSTOP or SIGCONT: a stop-the-world pause, as a long GC or a frozen VM makes it. */
        void signal(String name) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            assertThat(kill.waitFor()).as("kill -" + name + " " + this.name).isZero();
        }

        JsonNode walConsumer() {
            return http().get("/v1/ingest/status").json().get("walConsumer");
        }

        /** Shard (group/shard) to its engine state on this node. */
        Map<String, JsonNode> shards() {
            Map<String, JsonNode> out = new HashMap<>();
            http().get("/v1/ingest/status").json().get("shards").forEach(s ->
                    out.put(s.get("group").asText() + "/" + s.get("shard").asText(), s));
            return out;
        }
    }

    /** The packaged nodes' settings: HBase, Kafka (6 s sessions), a fresh PostgreSQL metadata DB. */
    private static List<String> clusterArgs(String... extra) throws Exception {
        DataSourceFactory db = MetadataDatabases.POSTGRESQL.create();
        List<String> args = new ArrayList<>(Corner.jvmArgs(Corner.HBASE_KAFKA.settings()));
        args.addAll(List.of("-Ddw.database.driverClass=" + db.getDriverClass(), "-Ddw.database.url=" + db.getUrl(),
                "-Ddw.database.user=" + db.getUser(), "-Ddw.database.password=" + (db.getPassword() == null ? "" : db.getPassword()),
                "-Ddw.wal.kafka.sessionTimeout=6s"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void eachShardRunsOnOneNodeAndMovesWhenItsNodeIsKilled() throws Exception {
        try (CdcTestApp cdc = new CdcTestApp("cluster", 900)) {
            List<String> args = clusterArgs();
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

                // A direct write on one node goes through the WAL to the owners; once APPLIED, any node reads it.
                assertThat(nodes.get(0).http().post("/v1/views", Examples.text("follows-view.json")).status()).isEqualTo(201);
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                        nodes.get(2).http().get("/v1/views/follows").status() == 200);
                Http.Reply wrote = nodes.get(2).http().post("/v1/views/follows/mutations", Examples.text("follows-mutations.json"));
                assertThat(wrote.status()).as(wrote.body()).isEqualTo(200);
                assertThat(wrote.json().get("results")).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("APPLIED"));
                assertThat(nodes.get(1).http().get("/v1/views/follows/count?start=3&direction=IN").json()
                        .at("/counts/0/count").asLong()).isEqualTo(2);

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

                // Acceptance 4: the killed node comes back, then all three restart one by one under load.
                victim.start(cdc.config(), args);
                awaitOneOwnerEach(nodes);
                rollingRestart(cdc, workload, nodes, args);
            } finally {
                for (Node n : nodes) {
                    if (n.process != null) {
                        n.kill();
                    }
                }
            }
        }
    }

    /**
     * Each node in turn stopped gracefully and started again while two workloads write and a prober
     * queries every node every 100 ms: each tick at least one node answers, and afterwards every node
     * answers like SQL, with VERIFY exact.
     */
    private static void rollingRestart(CdcTestApp cdc, FriendsWorkload workload, List<Node> nodes, List<String> args)
            throws Exception {
        List<CompletableFuture<Integer>> load = List.of(workload.runAsync(3000), cdc.workload(92).runAsync(3000));
        java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger ticks = new java.util.concurrent.atomic.AtomicInteger();
        List<String> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread prober = new Thread(() -> {
            while (probing.get()) {
                long user = ticks.incrementAndGet() % FriendsWorkload.USERS;
                boolean answered = false;
                for (Node n : nodes) {
                    try {
                        answered |= n.http().get("/v1/views/friends/count?start=" + user + "&direction=OUT").status() == 200;
                    } catch (RuntimeException e) {
                        // this node is down: another must answer
                    }
                }
                if (!answered) {
                    unanswered.add("tick " + ticks.get() + " at " + java.time.Instant.now());
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "prober");
        prober.start();
        try {
            for (Node n : nodes) {
                n.stop();
                n.start(cdc.config(), args);
                awaitOneOwnerEach(nodes);
            }
            for (CompletableFuture<Integer> l : load) {
                assertThat(l.get(5, TimeUnit.MINUTES)).isGreaterThanOrEqualTo(3000);
            }
        } finally {
            probing.set(false);
            prober.join(10_000);
        }
        assertThat(ticks.get()).as("probe ticks").isGreaterThan(50);
        assertThat(unanswered).as("ticks when no node answered a query").isEmpty();
        for (Node n : nodes) {
            ViewVsSql.awaitExact(n::http, workload, "node " + n.name + " after a rolling restart", 300);
        }
        JsonNode verify = SourceVerifyIntegrationTest.job(nodes.get(0).http(), "{\"type\":\"VERIFY\",\"view\":\"friends\"}");
        assertThat(verify.at("/result/exact").asBoolean()).as(verify.toString()).isTrue();
    }

    /**
     * Acceptance 3: a node paused (SIGSTOP) past its session timeout while it applies, then resumed.
     * Its lanes finish the poll they were in the middle of, from the rows they kept, over node sides
     * the other node has written since. With fencing, storage refuses those late writes (the paused
     * node counts a fenced refusal) and the view ends equal to SQL; without, the same scenario leaves
     * the view wrong, so the case tests the fence. A pause may catch the node between polls, with
     * nothing in flight: the round is then run again, up to {@link #PAUSE_ROUNDS} times.
     */
    @ParameterizedTest(name = "fencing {0}")
    @ValueSource(booleans = {true, false})
    void aPausedNodesLateWritesAreRefused(boolean fencing) throws Exception {
        try (CdcTestApp cdc = new CdcTestApp("pause" + (fencing ? 1 : 0), 920 + (fencing ? 10 : 0))) {
            List<String> args = clusterArgs("-Ddw.wal.kafka.fencing=" + fencing);
            FriendsWorkload workload = cdc.workload(17);
            workload.run(500);
            Node paused = new Node("a", cdc.dir);
            Node other = new Node("b", cdc.dir);
            try {
                paused.start(cdc.config(), args);
                assertThat(paused.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
                other.start(cdc.config(), args);
                awaitOneOwnerEach(List.of(paused, other));
                ViewVsSql.awaitExact(other::http, workload, "two nodes, after the copy", 300);
                String damage = null;
                long refusals = 0;
                int round = 0;
                while (round < PAUSE_ROUNDS && damage == null && refusals == 0) {
                    round++;
                    damage = pauseWhileApplying(cdc, workload, paused, other, round);
                    refusals = paused.walConsumer().get("fencedRefusals").asLong();
                }
                if (fencing) {
                    assertThat(damage).as("round " + round).isNull();
                    assertThat(refusals).as("late writes refused in " + round + " rounds").isPositive();
                    JsonNode verify = SourceVerifyIntegrationTest.job(other.http(), "{\"type\":\"VERIFY\",\"view\":\"friends\"}");
                    assertThat(verify.at("/result/exact").asBoolean()).as(verify.toString()).isTrue();
                } else {
                    assertThat(damage).as("without fencing, the late writes of " + round + " rounds").isNotNull();
                }
            } finally {
                for (Node n : List.of(paused, other)) {
                    if (n.process != null) {
                        n.signal("CONT");
                        n.kill();
                    }
                }
            }
        }
    }

    private static final int PAUSE_ROUNDS = 4;

    /**
     * One round: three workloads write; once {@code paused} is behind (so busy applying), it is stopped
     * past its session timeout while the workloads finish and {@code other} applies everything; then
     * it is resumed and rejoins. Returns the view's difference from SQL once the cluster has settled
     * (null: none).
     */
    private static String pauseWhileApplying(CdcTestApp cdc, FriendsWorkload workload, Node paused, Node other, int round)
            throws Exception {
        List<CompletableFuture<Integer>> load = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            load.add((w == 0 ? workload : cdc.workload(100L * round + w)).runAsync(2500));
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
            JsonNode lag = paused.walConsumer().get("lagRecords");
            return lag != null && lag.asLong() > 0;
        });
        paused.signal("STOP");
        try {
            for (CompletableFuture<Integer> l : load) {
                l.get(5, TimeUnit.MINUTES);
            }
            Thread.sleep(9_000); // past the 6 s session: the other node owns everything now
            ViewVsSql.awaitExact(other::http, workload, "round " + round + ", " + paused.name + " paused", 300);
        } finally {
            paused.signal("CONT");
        }
        awaitOneOwnerEach(List.of(paused, other));
        // The resumed node rejoins the group and may take partitions back: let it settle before judging.
        Thread.sleep(5_000);
        String damage = ViewVsSql.difference(other.http(), workload, "friends");
        return damage != null ? damage : ViewVsSql.difference(paused.http(), workload, "friends");
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
