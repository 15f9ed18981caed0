package io.sideview.ingest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The Kafka WAL.
 *
 * @param bootstrapServers the cluster, {@code host:port[,host:port]}
 * @param topic WAL topic of mapped mutations; records are keyed by (view, side, node) so one
 *              consumer applies each node side (single writer)
 * @param partitions partitions of the WAL topic when the service creates it
 * @param replicationFactor replication of the topics the service creates
 * @param consumerGroup consumer group of the appliers
 * @param offsetsTopic topic holding the capture engines' source offsets (schema history gets one
 *                    topic per engine, {@code <offsetsTopic>-history-<group>-<shard>})
 * @param sessionTimeout how long a node may go unheard before Kafka's group coordinator gives its
 *                       shards (and WAL partitions) to the other nodes
 * @param fencing on HBase, stamp the appliers' writes with an owner epoch that HBase checks, so a node
 *                that lost its WAL partitions (a long pause, cut off from Kafka) cannot land a late
 *                write (design §10); off only to show what it prevents, or on a table not yet altered
 */
public record KafkaConfig(
        @NotBlank String bootstrapServers,
        @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,200}", message = "must be a Kafka topic name") String topic,
        @NotNull @Min(1) @Max(1024) Integer partitions,
        @NotNull @Min(1) @Max(16) Integer replicationFactor,
        @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,200}", message = "must be a plain group id") String consumerGroup,
        @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,150}", message = "must be a Kafka topic name") String offsetsTopic,
        @NotNull io.dropwizard.util.Duration sessionTimeout,
        @NotNull Boolean fencing) {

    public KafkaConfig {
        bootstrapServers = bootstrapServers == null ? "127.0.0.1:9092" : bootstrapServers;
        topic = topic == null ? "sideview-wal" : topic;
        partitions = partitions == null ? 12 : partitions;
        replicationFactor = replicationFactor == null ? 1 : replicationFactor;
        consumerGroup = consumerGroup == null ? "sideview-applier" : consumerGroup;
        offsetsTopic = offsetsTopic == null ? "sideview-source-offsets" : offsetsTopic;
        sessionTimeout = sessionTimeout == null ? io.dropwizard.util.Duration.seconds(10) : sessionTimeout;
        fencing = fencing == null ? Boolean.TRUE : fencing;
    }

    /** The control topic whose partitions stand for the shards (one each), see {@code cluster.ShardOwnership}. */
    public String shardOwnersTopic() {
        return topic + "-shard-owners";
    }

    /** The consumer group whose members share the shards' capture engines. */
    public String shardOwnersGroup() {
        return consumerGroup + "-shard-owners";
    }

    /**
     * The group members' heartbeat interval: a third of the session (Kafka's rule) but at most 1 s.
     * Survivors learn of a rebalance at their next heartbeat, so after a dead node's session ends its
     * shards wait up to one interval more: at 10 s / 3 that was up to 3.3 s of a failover.
     */
    public long heartbeatIntervalMs() {
        return Math.max(100, Math.min(1000, sessionTimeout.toMilliseconds() / 3));
    }

    public static KafkaConfig defaults() {
        return new KafkaConfig(null, null, null, null, null, null, null, null);
    }
}
