package io.sideview.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.cluster.db.NodeRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which registered nodes keep a node from starting: the pure decision over the rows and the time. */
class AdmissionTest {
    private static final long NOW = 1_000_000;
    private static final long TIMEOUT = 10_000;

    private static final NodeIdentity SINGLE = new NodeIdentity("a:8080", "i-a", "rocksdb", "none");
    private static final NodeIdentity CLUSTER = new NodeIdentity("c:8080", "i-c", "hbase", "kafka");

    private static NodeRow row(String name, String instance, String storage, String wal, long heartbeatAgo) {
        return new NodeRow(name, instance, storage, wal, "http://" + name, NOW - 60_000, NOW - heartbeatAgo, "", "");
    }

    private static List<Conflict> conflicts(NodeIdentity self, NodeRow... rows) {
        return Admission.conflicts(self, List.of(rows), NOW, TIMEOUT);
    }

    @Test
    void aLoneNodeStartsWhateverItRuns() {
        assertThat(conflicts(SINGLE)).isEmpty();
        assertThat(conflicts(CLUSTER)).isEmpty();
        assertThat(conflicts(SINGLE, row("a:8080", "i-a", "rocksdb", "none", 0))).as("its own row").isEmpty();
    }

    @Test
    void aSingleNodeNodeIsRefusedBesideAnyLiveNode() {
        List<Conflict> refused = conflicts(SINGLE, row("b:8080", "i-b", "hbase", "kafka", 1_000));
        assertThat(refused).singleElement().satisfies(c -> {
            assertThat(c.other().name()).isEqualTo("b:8080");
            assertThat(c.reason()).startsWith("storage rocksdb and wal none are single-node: ")
                    .contains("live node 'b:8080' at http://b:8080 (heartbeat 1000 ms ago)")
                    .contains("stop node 'b:8080'");
        });
        NodeIdentity rocksOnKafka = new NodeIdentity("a:8080", "i-a", "rocksdb", "kafka");
        assertThat(conflicts(rocksOnKafka, row("b:8080", "i-b", "rocksdb", "kafka", 0)))
                .singleElement().extracting(Conflict::reason).asString().startsWith("storage rocksdb is single-node: ");
        NodeIdentity hbaseInProcess = new NodeIdentity("a:8080", "i-a", "hbase", "none");
        assertThat(conflicts(hbaseInProcess, row("b:8080", "i-b", "hbase", "kafka", 0)))
                .singleElement().extracting(Conflict::reason).asString().startsWith("wal none is single-node: ");
    }

    @Test
    void aClusterNodeJoinsClusterNodesButNotASingleNodeOne() {
        assertThat(conflicts(CLUSTER, row("d:8080", "i-d", "hbase", "kafka", 500), row("e:8080", "i-e", "hbase", "kafka", 9_000)))
                .isEmpty();
        assertThat(conflicts(CLUSTER, row("a:8080", "i-a", "rocksdb", "none", 500))).singleElement()
                .extracting(Conflict::reason).asString()
                .startsWith("storage rocksdb and wal none are single-node: live node 'a:8080'")
                .contains("this cluster node (storage hbase, wal kafka) may not join it");
    }

    @Test
    void aHeartbeatOlderThanTheTimeoutBlocksNothing() {
        assertThat(conflicts(SINGLE, row("b:8080", "i-b", "rocksdb", "none", TIMEOUT + 1))).isEmpty();
        assertThat(conflicts(CLUSTER, row("a:8080", "i-a", "rocksdb", "none", TIMEOUT + 1))).isEmpty();
        assertThat(conflicts(SINGLE, row("b:8080", "i-b", "rocksdb", "none", TIMEOUT))).as("exactly the timeout is live").hasSize(1);
    }

    @Test
    void twoLiveProcessesMustNotShareAName() {
        assertThat(conflicts(CLUSTER, row("c:8080", "i-old", "hbase", "kafka", 200))).singleElement()
                .extracting(Conflict::reason).asString()
                .startsWith("node name 'c:8080' is taken by live node 'c:8080'")
                .contains("two nodes must not share a name");
        assertThat(conflicts(CLUSTER, row("c:8080", "i-old", "hbase", "kafka", TIMEOUT + 1)))
                .as("the name of a dead process is free").isEmpty();
    }
}
