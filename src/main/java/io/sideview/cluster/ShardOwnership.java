package io.sideview.cluster;

import io.sideview.ingest.KafkaConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node runs each shard's capture engine, decided by Kafka's group coordinator (design §10; no
 * consensus of our own). A control topic has one partition per shard (the configured shards sorted by
 * name, so every node with the same configuration maps them alike); every node subscribes to it in
 * one consumer group with the cooperative-sticky assignor and runs the engines of the partitions the
 * group gives it. Nothing is written to the topic: membership is the lease, kept by the consumer's
 * heartbeats. A node that dies, or stalls past {@link KafkaConfig#sessionTimeout}, loses its shards to
 * the others, which resume them from the offsets and schema history kept in Kafka. Cooperative
 * rebalancing revokes a partition (its engine is stopped here, inside the callback) before it is
 * assigned to another node, so in the steady state each shard has one binlog reader; a stalled node
 * that wakes up after losing a shard learns it at its next poll and stops that engine. For the moment
 * both may read, events are published twice, which versions make harmless.
 */
public final class ShardOwnership implements io.dropwizard.lifecycle.Managed {
    private static final Logger LOG = LoggerFactory.getLogger(ShardOwnership.class);

    /** What runs a shard's engine on this node: {@code own} starts it, {@code release} stops it (and waits). */
    public interface Host {
        void own(String shard);

        void release(String shard);
    }

    private final KafkaConfig config;
    private final List<String> shards;
    private final Host host;
    private final Set<String> owned = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    /** {@code shards}: every shard of the configuration, as {@code group/shard}. */
    public ShardOwnership(KafkaConfig config, Collection<String> shards, Host host) {
        this.config = config;
        this.shards = shards.stream().sorted().distinct().toList();
        this.host = host;
    }

    /** The partition of the control topic that stands for each shard. */
    public Map<String, Integer> partitions() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (int i = 0; i < shards.size(); i++) {
            out.put(shards.get(i), i);
        }
        return out;
    }

    /** The shards whose engines run on this node now. */
    public Set<String> owned() {
        return Set.copyOf(owned);
    }

    @Override
    public synchronized void start() throws Exception {
        if (shards.isEmpty() || running) {
            return;
        }
        ensureTopic();
        running = true;
        thread = new Thread(this::loop, "shard-ownership");
        thread.setDaemon(true);
        thread.start();
    }

    /** Leaves the group (the shards go to the other nodes at once) after stopping this node's engines. */
    @Override
    public synchronized void stop() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        thread.join(60_000);
        releaseAll();
    }

    /** One partition per shard; a topic made for fewer shards (one added to the configuration) grows. */
    private void ensureTopic() throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", config.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            try {
                admin.createTopics(List.of(new NewTopic(config.shardOwnersTopic(), shards.size(),
                        config.replicationFactor().shortValue()))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                int have = admin.describeTopics(List.of(config.shardOwnersTopic())).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(config.shardOwnersTopic()).partitions().size();
                if (have < shards.size()) {
                    admin.createPartitions(Map.of(config.shardOwnersTopic(), NewPartitions.increaseTo(shards.size())))
                            .all().get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void loop() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.shardOwnersGroup());
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        long session = config.sessionTimeout().toMilliseconds();
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(session));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(config.heartbeatIntervalMs()));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        while (running) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
                consumer = c;
                c.subscribe(List.of(config.shardOwnersTopic()), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        partitions.forEach(tp -> shardOf(tp).ifPresent(ShardOwnership.this::own));
                    }

                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        partitions.forEach(tp -> shardOf(tp).ifPresent(ShardOwnership.this::release));
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        // The group went on without us (a stall past the session timeout): another node
                        // may run these already, so stop ours now.
                        onPartitionsRevoked(partitions);
                    }
                });
                while (running) {
                    c.poll(Duration.ofMillis(500));
                }
            } catch (WakeupException stopping) {
                // stop(): leave the group.
            } catch (RuntimeException e) {
                LOG.warn("shard ownership: lost the group ({}); this node's engines stop until it rejoins", e.toString());
                releaseAll();
                sleep(1000);
            } finally {
                consumer = null;
            }
        }
    }

    private java.util.Optional<String> shardOf(TopicPartition tp) {
        return tp.partition() < shards.size() ? java.util.Optional.of(shards.get(tp.partition())) : java.util.Optional.empty();
    }

    private void own(String shard) {
        if (owned.add(shard)) {
            LOG.info("shard ownership: this node runs {} now", shard);
            host.own(shard);
        }
    }

    private void release(String shard) {
        if (owned.remove(shard)) {
            LOG.info("shard ownership: {} goes to another node; stopping its engine here", shard);
            host.release(shard);
        }
    }

    private void releaseAll() {
        owned().forEach(this::release);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
