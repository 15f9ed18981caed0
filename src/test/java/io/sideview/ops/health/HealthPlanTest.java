package io.sideview.ops.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.health.HealthCheckConfiguration;
import io.dropwizard.health.HealthCheckType;
import io.dropwizard.util.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthPlanTest {

    @Test
    void everyRegisteredCheckTheYamlLeavesOutIsCriticalReadinessExceptDeadlocks() {
        HealthCheckConfiguration given = new HealthCheckConfiguration();
        given.setName("storage");
        given.setCritical(false);
        List<HealthCheckConfiguration> plan = HealthPlan.complete(List.of(given),
                Set.of("storage", "deadlocks", "metadata-db", "cdc-friends-shard1", "draining"), Duration.milliseconds(250));

        assertThat(plan).extracting(HealthCheckConfiguration::getName)
                .containsExactly("storage", "cdc-friends-shard1", "deadlocks", "draining", "metadata-db");
        assertThat(plan.get(0)).as("the YAML's entry wins").isSameAs(given);
        HealthCheckConfiguration shard = plan.get(1);
        assertThat(shard.getType()).isEqualTo(HealthCheckType.READY);
        assertThat(shard.isCritical()).isTrue();
        assertThat(shard.getSchedule().getCheckInterval()).isEqualTo(Duration.milliseconds(250));
        assertThat(shard.getSchedule().getFailureAttempts()).isEqualTo(1);
        assertThat(shard.getSchedule().getSuccessAttempts()).isEqualTo(1);
        assertThat(plan.get(2).getType()).as("only a restart cures a deadlock").isEqualTo(HealthCheckType.ALIVE);
        assertThat(plan.get(3).getType()).isEqualTo(HealthCheckType.READY);
    }

    @Test
    void theOrphanedShardsCheckReportsWithoutDecidingReadiness() {
        List<HealthCheckConfiguration> plan = HealthPlan.complete(List.of(), Set.of("cluster-shards", "cluster-node"),
                Duration.seconds(2));
        assertThat(plan).extracting(HealthCheckConfiguration::getName).containsExactly("cluster-node", "cluster-shards");
        assertThat(plan.get(0).isCritical()).isTrue();
        assertThat(plan.get(1).getType()).isEqualTo(HealthCheckType.READY);
        assertThat(plan.get(1).isCritical()).as("one orphaned shard must not take every node out of rotation").isFalse();
    }
}
