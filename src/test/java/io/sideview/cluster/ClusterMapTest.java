package io.sideview.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.jackson.Jackson;
import io.sideview.cluster.api.ClusterNode;
import io.sideview.cluster.api.ClusterStatus;
import io.sideview.cluster.api.PartitionPlacement;
import io.sideview.cluster.api.ShardPlacement;
import io.sideview.cluster.db.NodeRow;
import io.sideview.ingest.api.WalConsumerStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterMapTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long TIMEOUT = 10_000;
    private static final NodeIdentity SELF = new NodeIdentity("a", "i-a", "hbase", "kafka");
    private static final List<String> SHARDS = List.of("friends/shard1", "friends/shard0", "likes/s0");

    private static NodeRow row(String name, long ago, String shards, String partitions) {
        return new NodeRow(name, "i-" + name, "hbase", "kafka", "http://" + name + ":8080", NOW - 60_000, NOW - ago,
                shards, partitions);
    }

    private static ClusterStatus map(Holdings selfNow, NodeRow... rows) {
        return ClusterMap.of(SELF, selfNow, List.of(rows), SHARDS, NOW, TIMEOUT, null);
    }

    @Test
    void eachShardGoesToTheLiveNodeThatRunsItAndOneNoLiveNodeRunsIsOrphaned() {
        ClusterStatus s = map(Holdings.of(List.of("friends/shard0"), List.of(0, 1)),
                row("a", 300, "", ""),
                row("b", 900, "friends/shard1", "2,3"),
                row("c", 30_000, "likes/s0", "4"));

        assertThat(s.self()).isEqualTo("a");
        assertThat(s.nodes()).extracting(ClusterNode::name, ClusterNode::alive, ClusterNode::self)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", true, true),
                        org.assertj.core.groups.Tuple.tuple("b", true, false),
                        org.assertj.core.groups.Tuple.tuple("c", false, false));
        assertThat(s.nodes().get(0).shards()).as("this node: what it runs now, not its row").containsExactly("friends/shard0");
        assertThat(s.nodes().get(2).heartbeatAgeMs()).isEqualTo(30_000);
        assertThat(s.shards()).containsExactly(
                new ShardPlacement("friends/shard0", "friends", "shard0", "a", List.of("a"), false),
                new ShardPlacement("friends/shard1", "friends", "shard1", "b", List.of("b"), false),
                new ShardPlacement("likes/s0", "likes", "s0", null, List.of(), true));
        assertThat(ClusterMap.orphaned(s)).as("a dead node's claim counts for nothing").containsExactly("likes/s0");
        assertThat(s.partitions()).containsExactly(
                new PartitionPlacement(0, "a", List.of("a"), false), new PartitionPlacement(1, "a", List.of("a"), false),
                new PartitionPlacement(2, "b", List.of("b"), false), new PartitionPlacement(3, "b", List.of("b"), false),
                new PartitionPlacement(4, null, List.of(), true));
    }

    @Test
    void aHeartbeatExactlyNodeTimeoutOldIsAliveAndOneMillisecondMoreIsNot() {
        ClusterStatus s = map(Holdings.NONE, row("b", TIMEOUT, "friends/shard0", ""), row("c", TIMEOUT + 1, "friends/shard1", ""));
        assertThat(s.nodes()).extracting(ClusterNode::alive).containsExactly(true, false);
        assertThat(ClusterMap.orphaned(s)).containsExactly("friends/shard1", "likes/s0");
    }

    @Test
    void twoLiveClaimsDuringAHandoverHaveNoSingleOwnerAndAreNotOrphaned() {
        ClusterStatus s = map(Holdings.of(List.of("friends/shard0"), List.of(1)),
                row("a", 0, "", ""), row("b", 500, "friends/shard0,friends/shard1,likes/s0", "1"));
        assertThat(s.shards().get(0)).isEqualTo(new ShardPlacement("friends/shard0", "friends", "shard0", null, List.of("a", "b"), false));
        assertThat(s.partitions()).containsExactly(new PartitionPlacement(1, null, List.of("a", "b"), false));
        assertThat(ClusterMap.orphaned(s)).isEmpty();
    }

    @Test
    void aLiveNodeThatDoesNotPublishLeavesNoShardOrphaned() {
        // A node of an older version during a rolling upgrade: it may run any shard.
        ClusterStatus s = map(Holdings.NONE, row("a", 0, "", ""), row("old", 100, null, null));
        assertThat(s.nodes().get(1).shards()).isNull();
        assertThat(s.nodes().get(1).partitions()).isNull();
        assertThat(ClusterMap.orphaned(s)).isEmpty();
        assertThat(s.shards()).allSatisfy(p -> assertThat(p.owners()).isEmpty());
    }

    @Test
    void oneNodeWithoutKafkaHoldsEveryShardAndNoPartition() {
        ClusterStatus s = ClusterMap.of(new NodeIdentity("solo", "i-solo", "rocksdb", "none"),
                Holdings.of(SHARDS, List.of()), List.of(new NodeRow("solo", "i-solo", "rocksdb", "none", "", NOW - 5, NOW - 5, "", "")),
                SHARDS, NOW, TIMEOUT, null);
        assertThat(s.shards()).allSatisfy(p -> assertThat(p.owner()).isEqualTo("solo"));
        assertThat(s.partitions()).isEmpty();
        assertThat(s.nodes().get(0).address()).as("not known yet").isNull();
    }

    @Test
    void mapsToJsonWithIsoTimesAndNullsSpelledOut() throws Exception {
        ObjectMapper mapper = Jackson.newObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        ClusterStatus s = ClusterMap.of(SELF, Holdings.of(List.of("friends/shard0"), List.of(2)),
                List.of(row("a", 250, "", ""), row("old", 20_000, null, null)), List.of("friends/shard0"), NOW, TIMEOUT,
                new WalConsumerStatus(7, 0L, 0L, null, 0));
        JsonNode json = mapper.readTree(mapper.writeValueAsString(s));

        assertThat(json.get("self").asText()).isEqualTo("a");
        JsonNode a = json.at("/nodes/0");
        assertThat(a.get("lastHeartbeat").asText()).isEqualTo(java.time.Instant.ofEpochMilli(NOW - 250).toString());
        assertThat(a.get("startedAt").asText()).endsWith("Z");
        assertThat(a.get("heartbeatAgeMs").asLong()).isEqualTo(250);
        assertThat(a.get("alive").asBoolean()).isTrue();
        assertThat(a.get("self").asBoolean()).isTrue();
        assertThat(a.get("address").asText()).isEqualTo("http://a:8080");
        assertThat(a.get("shards").toString()).isEqualTo("[\"friends/shard0\"]");
        assertThat(a.get("partitions").toString()).isEqualTo("[2]");
        assertThat(json.at("/nodes/1/shards").isNull()).isTrue();
        assertThat(json.at("/shards/0").toString()).isEqualTo(
                "{\"shard\":\"friends/shard0\",\"group\":\"friends\",\"name\":\"shard0\",\"owner\":\"a\",\"owners\":[\"a\"],\"orphaned\":false}");
        assertThat(json.at("/partitions/0").toString()).isEqualTo("{\"partition\":2,\"owner\":\"a\",\"owners\":[\"a\"],\"orphaned\":false}");
        assertThat(json.at("/walConsumer/applied").asLong()).isEqualTo(7);
        assertThat(json.at("/walConsumer/lastError").isNull()).isTrue();
    }
}
