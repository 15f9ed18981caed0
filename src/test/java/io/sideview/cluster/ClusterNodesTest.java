package io.sideview.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.util.Duration;
import io.sideview.cluster.db.ClusterNodeDao;
import io.sideview.cluster.db.NodeRow;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The start of a node over an in-memory registry and a clock that moves only when the registry is read:
 * a row that beats refuses at once, a silent one is waited out, a clean stop leaves no row.
 */
class ClusterNodesTest {
    private static final ClusterConfig CONFIG = new ClusterConfig("a", Duration.milliseconds(10), Duration.milliseconds(100));
    private static final NodeIdentity SELF = new NodeIdentity("a", "i-self", "rocksdb", "none");

    /** Each read of every row moves time on by 10 ms and then runs {@code onRead} (another node at work). */
    private static final class Registry implements ClusterNodeDao {
        final Map<String, NodeRow> rows = new TreeMap<>();
        long now = 1_000_000;
        Consumer<Registry> onRead = r -> {};
        final Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneId.of("UTC");
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now);
            }
        };

        void put(NodeRow row) {
            rows.put(row.name(), row);
        }

        @Override
        public List<NodeRow> all() {
            now += 10;
            onRead.accept(this);
            return new ArrayList<>(rows.values());
        }

        @Override
        public void insert(NodeRow row) {
            if (rows.putIfAbsent(row.name(), row) != null) {
                throw new IllegalStateException("duplicate key " + row.name());
            }
        }

        @Override
        public int takeOver(NodeRow row, long seen) {
            NodeRow old = rows.get(row.name());
            if (old == null || old.heartbeatAt() > seen) {
                return 0;
            }
            rows.put(row.name(), row);
            return 1;
        }

        @Override
        public int heartbeat(String name, String instance, long at, String shards, String partitions) {
            return update(name, instance, r -> new NodeRow(r.name(), r.instance(), r.storage(), r.wal(), r.address(), r.startedAt(), at,
                    shards, partitions));
        }

        @Override
        public int address(String name, String instance, String address) {
            return update(name, instance, r -> new NodeRow(r.name(), r.instance(), r.storage(), r.wal(), address, r.startedAt(), r.heartbeatAt(),
                    r.shards(), r.partitions()));
        }

        @Override
        public int delete(String name, String instance) {
            NodeRow r = rows.get(name);
            return r != null && r.instance().equals(instance) && rows.remove(name) != null ? 1 : 0;
        }

        private int update(String name, String instance, java.util.function.UnaryOperator<NodeRow> change) {
            NodeRow r = rows.get(name);
            if (r == null || !r.instance().equals(instance)) {
                return 0;
            }
            rows.put(name, change.apply(r));
            return 1;
        }
    }

    private static NodeRow other(String name, String instance, long heartbeatAt) {
        return new NodeRow(name, instance, "hbase", "kafka", "http://" + name, heartbeatAt - 1_000, heartbeatAt, "", "");
    }

    @Test
    void registersBeatsAndLeavesOnStop() throws Exception {
        Registry registry = new Registry();
        ClusterNodes nodes = new ClusterNodes(registry, SELF, CONFIG, "", registry.clock);
        nodes.start();
        // The heartbeat thread runs meanwhile: the row is written before lastHeartbeat moves, so a row read
        // after lastHeartbeat is at least as new.
        long last = nodes.lastHeartbeat();
        assertThat(registry.rows.values()).singleElement().satisfies(r -> {
            assertThat(r.instance()).isEqualTo("i-self");
            assertThat(r.heartbeatAt()).isGreaterThanOrEqualTo(last).isPositive();
        });
        nodes.address("http://a:8080");
        assertThat(registry.rows.get("a").address()).isEqualTo("http://a:8080");
        assertThat(registry.rows.get("a").shards()).as("nothing held before ingestion says so").isEmpty();
        nodes.holdings(() -> Holdings.of(java.util.List.of("g/s1", "g/s0"), java.util.List.of(3, 1)));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> "g/s0,g/s1".equals(registry.rows.get("a").shards()));
        assertThat(registry.rows.get("a").partitions()).as("written with the heartbeat").isEqualTo("1,3");
        HeartbeatHealthCheck check = new HeartbeatHealthCheck(nodes, registry.clock);
        assertThat(check.execute().isHealthy()).isTrue();
        registry.now += 101;
        assertThat(check.execute().getMessage()).contains("more than cluster.nodeTimeout");
        nodes.stop();
        assertThat(registry.rows).isEmpty();
    }

    @Test
    void aRowThatBeatsRefusesAtOnce() {
        Registry registry = new Registry();
        registry.put(other("b", "i-b", registry.now));
        registry.onRead = r -> r.heartbeat("b", "i-b", r.now, "", "");
        ClusterNodes nodes = new ClusterNodes(registry, SELF, CONFIG, "", registry.clock);
        assertThatThrownBy(nodes::start).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Node 'a' refused to start: storage rocksdb and wal none are single-node")
                .hasMessageContaining("live node 'b' at http://b");
        assertThat(registry.rows).containsOnlyKeys("b");
    }

    @Test
    void aSilentRowIsWaitedOutAndItsNameTakenOver() throws Exception {
        Registry registry = new Registry();
        registry.put(new NodeRow("a", "i-crashed", "rocksdb", "none", "", registry.now - 5_000, registry.now - 20, "", ""));
        ClusterNodes nodes = new ClusterNodes(registry, SELF, CONFIG, "", registry.clock);
        long before = registry.now;
        nodes.start();
        assertThat(registry.now - before).as("waited until the row was older than the timeout").isGreaterThanOrEqualTo(80);
        assertThat(registry.rows.get("a").instance()).isEqualTo("i-self");
        nodes.stop();
    }

    @Test
    void aNodeThatRegisteredMeanwhileMakesBothRefuse() {
        Registry registry = new Registry();
        ClusterNodes nodes = new ClusterNodes(registry, SELF, CONFIG, "", registry.clock);
        // b inserts its row between this node's check and its own insert: the check after the insert sees it.
        registry.onRead = r -> {
            if (r.rows.containsKey("a")) {
                r.rows.putIfAbsent("b", other("b", "i-b", r.now));
            }
        };
        assertThatThrownBy(nodes::start).hasMessageContaining("live node 'b'");
        assertThat(registry.rows).as("its own row is gone again").containsOnlyKeys("b");
    }
}
