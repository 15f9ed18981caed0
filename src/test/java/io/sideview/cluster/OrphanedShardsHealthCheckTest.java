package io.sideview.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.health.HealthCheck;
import io.sideview.cluster.api.ClusterStatus;
import io.sideview.cluster.db.NodeRow;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrphanedShardsHealthCheckTest {
    private static final NodeIdentity SELF = new NodeIdentity("a", "i-a", "hbase", "kafka");
    private static final List<String> SHARDS = List.of("friends/shard0", "friends/shard1");

    private final io.sideview.TestClock clock = new io.sideview.TestClock(1_000_000);
    private final List<NodeRow> rows = new ArrayList<>();

    private ClusterStatus status() {
        return ClusterMap.of(SELF, Holdings.of(List.of("friends/shard0"), List.of()), rows, SHARDS, clock.now(), 3_000, null);
    }

    private void beat(String name, String shards) {
        rows.removeIf(r -> r.name().equals(name));
        rows.add(new NodeRow(name, "i-" + name, "hbase", "kafka", "", 0, clock.now(), shards, ""));
    }

    @Test
    void unhealthyOnlyOnceAShardStaysOrphanedPastTheGraceAndNamesIt() {
        OrphanedShardsHealthCheck check = new OrphanedShardsHealthCheck(this::status, clock, 20_000);
        beat("a", "");
        beat("b", "friends/shard1");
        assertThat(check.execute().getMessage()).isEqualTo("2 shard(s), each run by a live node");

        clock.advance(4_000); // b stops beating: dead after 3 s, and friends/shard1 has no live owner
        beat("a", "");
        HealthCheck.Result handover = check.execute();
        assertThat(handover.isHealthy()).as("within the grace: a handover").isTrue();
        assertThat(handover.getMessage()).contains("friends/shard1 (for 0 ms)", "within the grace");

        clock.advance(20_000);
        beat("a", "");
        assertThat(check.execute().isHealthy()).as("exactly the grace").isTrue();
        clock.advance(1);
        HealthCheck.Result overdue = check.execute();
        assertThat(overdue.isHealthy()).isFalse();
        assertThat(overdue.getMessage()).startsWith("no live node runs friends/shard1 (for 20001 ms) (grace 20000 ms)")
                .doesNotContain("shard0");

        beat("c", "friends/shard1");
        assertThat(check.execute().isHealthy()).as("taken over").isTrue();
        // Orphaned again later: the grace starts over, the earlier spell is forgotten.
        clock.advance(4_000);
        beat("a", "");
        assertThat(check.execute().isHealthy()).isTrue();
    }

    @Test
    void theGraceIsTwiceTheSessionTimeoutAndAtLeastTwoNodeTimeouts() {
        assertThat(OrphanedShardsHealthCheck.grace(10_000, 10_000)).isEqualTo(20_000);
        assertThat(OrphanedShardsHealthCheck.grace(1_000, 10_000)).isEqualTo(20_000);
    }
}
