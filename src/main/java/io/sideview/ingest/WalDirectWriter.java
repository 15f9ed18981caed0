package io.sideview.ingest;

import io.dropwizard.lifecycle.Managed;
import io.sideview.edge.DirectWriter;
import io.sideview.edge.Mutation;
import io.sideview.edge.SideMutation;
import io.sideview.edge.SideRouter;
import io.sideview.edge.ViewLayout;
import io.sideview.edge.WalCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * wal: kafka — direct writes go through the WAL to the node that owns each node side's partition,
 * whichever node took them (design §10). A batch's side records (both sides of each edge, every
 * generation) are published in one Kafka transaction: all of them or none, so a node that dies midway
 * never leaves an edge on one side only (what the intake log ensures on one node). The WAL consumers
 * read committed records only. The transactional id is the node's, so a restarted node aborts what
 * its previous run left open, and a zombie of it is fenced by Kafka.
 *
 * <p>Once committed, an item is ACCEPTED: durable, applied by its owners later. Waiting for APPLIED
 * (bounded) reads the consumer group's committed offsets, which the owners commit only after applying
 * and syncing a poll: an item is applied once every partition it went to is committed past it.
 */
public class WalDirectWriter implements DirectWriter, Managed {
    /** How long a write waits for its owners to apply it before it answers ACCEPTED. */
    static final Duration APPLIED_WAIT = Duration.ofSeconds(10);

    private final KafkaConfig config;
    private final String transactionalId;
    private final Duration appliedWait;
    private KafkaProducer<byte[], byte[]> producer;
    private Admin admin;

    public WalDirectWriter(KafkaConfig config, String nodeName) {
        this(config, nodeName, APPLIED_WAIT);
    }

    WalDirectWriter(KafkaConfig config, String nodeName, Duration appliedWait) {
        this.config = config;
        this.transactionalId = config.consumerGroup() + "-direct-" + nodeName;
        this.appliedWait = appliedWait;
    }

    @Override
    public synchronized void start() {
        Properties a = new Properties();
        a.put("bootstrap.servers", config.bootstrapServers());
        admin = Admin.create(a);
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        Properties p = WalPublisher.producerProperties(config);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        // A transaction a dead node left open holds back its partitions' committed reads until it
        // times out (or the node restarts): short, since a direct write's transaction is.
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "15000");
        KafkaProducer<byte[], byte[]> out = new KafkaProducer<>(p);
        out.initTransactions();
        return out;
    }

    @Override
    public synchronized void stop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(10));
        }
    }

    @Override
    public List<Outcome> write(Map<ViewLayout, List<Mutation>> byView, Wait wait) {
        List<List<SideMutation>> items = new ArrayList<>();
        byView.forEach((layout, mutations) -> mutations.forEach(m -> items.add(SideRouter.route(layout, m))));
        return write(items, wait);
    }

    @Override
    public Outcome writeSide(SideMutation side, Wait wait) {
        return write(List.of(List.of(side)), wait).get(0);
    }

    /** Each item (the side records of one edge) in one transaction; one outcome per item. */
    private List<Outcome> write(List<List<SideMutation>> items, Wait wait) {
        // Per item, the partition and offset of each of its side records.
        List<List<RecordMetadata>> records;
        try {
            records = publish(items);
        } catch (RuntimeException e) {
            return items.stream().map(i -> new Outcome(null, e)).toList();
        }
        Map<Integer, Long> applied = wait == Wait.APPLIED ? awaitApplied(records) : Map.of();
        List<Outcome> out = new ArrayList<>(records.size());
        for (List<RecordMetadata> sides : records) {
            boolean done = sides.stream().allMatch(r -> applied.getOrDefault(r.partition(), -1L) > r.offset());
            out.add(new Outcome(done ? "APPLIED" : "ACCEPTED", null));
        }
        return out;
    }

    /** One transaction: every side record of every item, or (on any failure) none of them. */
    private synchronized List<List<RecordMetadata>> publish(List<List<SideMutation>> items) {
        if (producer == null) {
            // At the first direct write, not at start: a node whose Kafka cannot take transactions
            // (a single broker without transaction.state.log.replication.factor=1) still captures.
            try {
                producer = newProducer();
            } catch (KafkaException e) {
                throw new IllegalStateException("the WAL cannot take transactions (for a single broker, set"
                        + " transaction.state.log.replication.factor=1 and transaction.state.log.min.isr=1): " + e, e);
            }
        }
        List<List<Future<RecordMetadata>>> sent = new ArrayList<>();
        try {
            producer.beginTransaction();
            for (List<SideMutation> item : items) {
                List<Future<RecordMetadata>> sides = new ArrayList<>(item.size());
                for (SideMutation side : item) {
                    sides.add(producer.send(new ProducerRecord<>(config.topic(), side.layout().countKey(side.side(), side.node()),
                            WalCodec.encode(new WalCodec.SideRecord(side.storageId(), side.layout().definition().name(),
                                    side.side(), side.mutation())))));
                }
                sent.add(sides);
            }
            producer.commitTransaction();
            List<List<RecordMetadata>> records = new ArrayList<>(sent.size());
            for (List<Future<RecordMetadata>> sides : sent) {
                List<RecordMetadata> meta = new ArrayList<>(sides.size());
                for (Future<RecordMetadata> f : sides) {
                    meta.add(f.get(0, TimeUnit.SECONDS)); // done: the commit flushed them
                }
                records.add(meta);
            }
            return records;
        } catch (ProducerFencedException e) {
            // Another run of this node took the transactional id: this producer is done for.
            producer.close(Duration.ZERO);
            producer = null;
            throw new IllegalStateException("the WAL producer was fenced by a newer run of this node", e);
        } catch (KafkaException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            abortQuietly(e);
            throw new IllegalStateException("the WAL did not take the batch: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abortQuietly(e);
            throw new IllegalStateException("interrupted while publishing to the WAL", e);
        }
    }

    private void abortQuietly(Exception cause) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            producer.close(Duration.ZERO);
            producer = null; // a new one at the next write
        }
    }

    /**
     * Polls the group's committed offsets until every partition the items went to is committed past
     * them, or {@link #appliedWait} passed; returns the last committed offset seen per partition.
     */
    private Map<Integer, Long> awaitApplied(List<List<RecordMetadata>> records) {
        Map<Integer, Long> needed = new HashMap<>();
        records.forEach(sides -> sides.forEach(r -> needed.merge(r.partition(), r.offset(), Math::max)));
        Map<Integer, Long> committed = new HashMap<>();
        long deadline = System.nanoTime() + appliedWait.toNanos();
        while (true) {
            try {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(config.consumerGroup())
                        .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                offsets.forEach((tp, o) -> {
                    if (tp.topic().equals(config.topic()) && o != null) {
                        committed.put(tp.partition(), o.offset());
                    }
                });
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // Not known now: the items stay ACCEPTED unless a later read shows them applied.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return committed;
            }
            boolean all = needed.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), -1L) > e.getValue());
            if (all || System.nanoTime() > deadline) {
                return committed;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return committed;
            }
        }
    }
}
