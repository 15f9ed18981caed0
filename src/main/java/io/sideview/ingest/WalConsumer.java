package io.sideview.ingest;

import io.dropwizard.lifecycle.Managed;
import io.sideview.edge.ApplyGate;
import io.sideview.edge.ApplyStatus;
import io.sideview.edge.EdgeWriter;
import io.sideview.edge.SideApplier;
import io.sideview.edge.SideMutation;
import io.sideview.edge.SideRouter;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.WalCodec;
import io.sideview.ingest.api.WalConsumerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * wal: kafka — the consumer group that applies the WAL. Each poll is applied whole (through the
 * single-writer lanes) before its offsets are committed, so a crash replays at most the last poll,
 * which the idempotent apply absorbs. On a storage failure the consumer rewinds to the committed
 * offsets and retries: nothing is skipped. Work is synchronous within the poll loop, so a revoked
 * partition never has applies in flight.
 */
public class WalConsumer implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(WalConsumer.class);

    private final KafkaConfig config;
    private final ViewCatalog catalog;
    private final EdgeWriter writer;
    private final DeadLetters deadLetters;
    private final ApplyGate gate;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "wal-consumer"));
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong fencedRefusals = new AtomicLong();
    /** The newest offset applied per partition (records below it in the partition are applied too). */
    private final java.util.Map<Integer, Long> appliedOffsets = new java.util.concurrent.ConcurrentHashMap<>();
    /** The WAL partitions the group gives this node now: what it publishes in its cluster_nodes row. */
    private final java.util.Set<Integer> assigned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final LongSupplier epochs;
    private volatile long epoch = SideApplier.UNFENCED;
    private volatile boolean running;
    private volatile String lastError;
    private volatile Long lagRecords;
    private volatile Long lagMs;
    private long lagCheckedAt;

    /**
     * {@code epochs}: where this node takes a new owner epoch each time partitions are assigned to it,
     * values that only grow across the cluster (null: writes are not fenced, as on one node). Every
     * write then carries the epoch taken at the latest assignment, and HBase refuses it on a node side
     * a later owner has written (design §10); a refused poll is not committed, and the consumer
     * rejoins the group from the committed offsets.
     */
    public WalConsumer(KafkaConfig config, ViewCatalog catalog, EdgeWriter writer,
                       DeadLetters deadLetters, ApplyGate gate, LongSupplier epochs) {
        this.gate = gate;
        this.config = config;
        this.catalog = catalog;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.epochs = epochs;
    }

    /** Whether this consumer has applied every record up to the given offset of each partition. */
    public boolean appliedThrough(java.util.Map<Integer, Long> offsets) {
        return offsets.entrySet().stream().allMatch(e -> appliedOffsets.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    public long applied() {
        return applied.get();
    }

    public String lastError() {
        return lastError;
    }

    /** The WAL partitions this node applies now (as of its consumer's last rebalance). */
    public java.util.SortedSet<Integer> partitions() {
        return new java.util.TreeSet<>(assigned);
    }

    public WalConsumerStatus status() {
        return new WalConsumerStatus(applied.get(), lagRecords, lagMs, lastError, fencedRefusals.get());
    }

    /** After a poll is applied and committed: the newest record's age, and (once a second) the backlog. */
    private void measureLag(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
        long newest = Long.MIN_VALUE;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            newest = Math.max(newest, r.timestamp());
        }
        long now = System.currentTimeMillis();
        if (newest != Long.MIN_VALUE) {
            lagMs = Math.max(0, now - newest);
        }
        if (now - lagCheckedAt < 1000) {
            return;
        }
        lagCheckedAt = now;
        var assigned = consumer.assignment();
        long behind = 0;
        for (var e : consumer.endOffsets(assigned, Duration.ofSeconds(2)).entrySet()) {
            behind += Math.max(0, e.getValue() - consumer.position(e.getKey(), Duration.ofSeconds(2)));
        }
        lagRecords = behind;
        if (behind == 0) {
            // Nothing waits: the age of the last record applied says nothing about now.
            lagMs = 0L;
        }
    }

    @Override
    public void start() {
        if (epochs != null && !writer.fences()) {
            throw new IllegalStateException("wal.kafka.fencing is on, but the storage cannot fence writes: an HBase"
                    + " table created before fencing lacks the MultiRowMutationEndpoint coprocessor and the"
                    + " KeyPrefixRegionSplitPolicy (README, \"Running several nodes\"); alter it, or set"
                    + " wal.kafka.fencing: false until then");
        }
        running = true;
        thread.submit(this::loop);
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        thread.shutdown();
        thread.awaitTermination(30, TimeUnit.SECONDS);
    }

    private void loop() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Direct writes publish both sides of a batch in one transaction (WalDirectWriter): never half of one.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Each poll ends with a lane join, an fsync and an offset commit: bigger polls spread that
        // fixed cost over more records (the ingest benchmark's Kafka corner was bound by it).
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // Kafka answers a fetch as soon as one byte is there, so a node with a third of the changes
        // pays those fixed costs (and one HBase call per salt bucket) on ever smaller polls. Letting the
        // broker gather up to 32 KB for at most 50 ms: fuller polls for at most 50 ms more lag. In the
        // cluster benchmark (3 nodes, 1,000 changes/s, 2 cores) lag p99 went from 1.48 s to 0.55 s.
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "32768");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        // Partitions move between nodes one at a time (cooperative), and a dead node's partitions move
        // after the cluster's session timeout, not Kafka's default 45 s.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        long session = config.sessionTimeout().toMilliseconds();
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(session));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(config.heartbeatIntervalMs()));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        while (running) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
                consumer.subscribe(List.of(config.topic()), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        // Called inside poll(): every record of the previous poll is applied and durable,
                        // so the positions may be committed; synchronously, so the next owner starts there.
                        if (!partitions.isEmpty()) {
                            try {
                                consumer.commitSync();
                            } catch (org.apache.kafka.clients.consumer.CommitFailedException e) {
                                // This node was out of the group (a pause past its session): another node
                                // owns them and applies again what this one applied of its last poll.
                                LOG.warn("WAL partitions revoked after this node left the group; not committed: {}",
                                        partitions.size());
                            }
                        }
                        partitions.forEach(tp -> assigned.remove(tp.partition()));
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        // Another node owns them already: no commit (it would be refused); what this node
                        // applied of its last poll is applied again there, idempotently.
                        LOG.warn("WAL partitions lost (this node was out of the group): {}", partitions.size());
                        partitions.forEach(tp -> assigned.remove(tp.partition()));
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        if (partitions.isEmpty()) {
                            return; // a cooperative rebalance that moved nothing to this node
                        }
                        partitions.forEach(tp -> assigned.add(tp.partition()));
                        if (epochs != null) {
                            // Taken after the coordinator gave these partitions here, so above the epoch
                            // of any node that wrote them before (a failure here fails the poll: rejoin).
                            epoch = epochs.getAsLong();
                        }
                        LOG.info("WAL partitions assigned: {} (owner epoch {})", partitions.size(), epoch);
                        // Another process may have applied these partitions' node sides meanwhile: the
                        // count rows the lanes kept may be stale. Queued ahead of every record polled next.
                        writer.forgetKeptRows();
                    }
                });
                while (running) {
                    followGate(consumer);
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                    if (!records.isEmpty()) {
                        apply(records);
                        // Only after apply and sync. Asynchronous: the commit overlaps the next poll. A
                        // commit that fails is covered by the next one, and until then a restart
                        // re-applies those records, which is idempotent (same version: IDLE).
                        consumer.commitAsync((offsets, failure) -> {
                            if (failure != null) {
                                LOG.warn("WAL offset commit failed ({}); the next commit covers it", failure.toString());
                            }
                        });
                        applied.addAndGet(records.count());
                        lastError = null;
                    }
                    measureLag(consumer, records);
                }
                // Stopping: everything polled is applied; leave the group with it committed.
                consumer.commitSync();
            } catch (RuntimeException e) {
                lastError = e.toString();
                if (fenced(e)) {
                    fencedRefusals.incrementAndGet();
                    LOG.warn("WAL apply refused: another node owns these partitions since ({}); rejoining the group,"
                            + " from the committed offsets", e.toString());
                    continue;
                }
                LOG.warn("WAL consumer failed ({}); reconnecting from the committed offsets", e.toString());
                sleep(1000);
            } finally {
                // A closed consumer is out of the group, whatever its callbacks managed to say.
                assigned.clear();
            }
        }
    }

    /**
     * Paused: the partitions are paused, not left unpolled, so this node stays in the group (polls go on
     * and return nothing) and keeps its partitions; what was fetched stays buffered and offsets stay
     * where applying stopped. Checked before each poll, so partitions assigned meanwhile pause too.
     */
    private void followGate(KafkaConsumer<byte[], byte[]> consumer) {
        if (!gate.isOpen()) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        List<SideMutation> sides = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            WalCodec.SideRecord record;
            try {
                record = WalCodec.decodeSide(r.value());
            } catch (WalCodec.Unreadable e) {
                // Written by us, so unreadable means a bug or a format this build does not know:
                // kept as a dead letter with its position, never skipped silently.
                String where = r.topic() + "-" + r.partition() + "@" + r.offset();
                LOG.error("unreadable WAL record at {}: {}", where, e.getMessage());
                deadLetters.walRecord(where, r.value(), "unreadable WAL record: " + e.getMessage());
                continue;
            }
            // A deleted view (or a deleted view's name reused by a new one): its records are no longer kept.
            catalog.generation(record.viewId(), record.view()).ifPresent(layout ->
                    sides.add(SideRouter.route(layout, record.side(), record.mutation())));
        }
        // One task per lane for the whole poll: each lane applies its share in one batch.
        List<CompletableFuture<ApplyStatus>> pending = writer.apply(sides, epoch);
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        // Durable before the Kafka offsets are committed past these records.
        writer.sync();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            appliedOffsets.merge(r.partition(), r.offset(), Math::max);
        }
    }

    private static boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.sideview.edge.Fenced) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
