package io.sideview.ingest;

import io.dropwizard.lifecycle.Managed;
import io.sideview.edge.SideMutation;
import io.sideview.edge.SideRouter;
import io.sideview.edge.WalCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * wal: kafka — publishes mapped mutations to the WAL topic, one record per (view, side, node) so the
 * partition, and thus one consumer, is the single writer of each node side. Idempotent producer with
 * acks=all; {@link #accept} returns only when Kafka acknowledged every record of the batch, and only
 * then may the capture engine commit its source offsets. Kafka down: accept throws, the engine
 * pauses and retries from its offsets, nothing is dropped.
 */
public class WalPublisher implements ChangeSink, Managed {
    private final KafkaConfig config;
    private final RowChangeMapper mapper;
    private KafkaProducer<byte[], byte[]> producer;

    /** {@code mapper} maps rows and dead-letters the unmappable ones, exactly as in process. */
    private final Map<Integer, Long> published = new java.util.concurrent.ConcurrentHashMap<>();

    public WalPublisher(KafkaConfig config, RowChangeMapper mapper) {
        this.config = config;
        this.mapper = mapper;
    }

    @Override
    public void start() throws Exception {
        Properties admin = new Properties();
        admin.put("bootstrap.servers", config.bootstrapServers());
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(config.topic(), config.partitions(), config.replicationFactor().shortValue())))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        Properties p = producerProperties(config);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer = new KafkaProducer<>(p);
    }

    /** Every WAL producer's settings: idempotent, acks=all, bounded waits when Kafka is down. */
    static Properties producerProperties(KafkaConfig config) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    @Override
    public void stop() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(10));
        }
    }

    @Override
    public int accept(List<RowChange> changes, Function<String, List<CaptureTarget>> targetsOfTable) {
        RowChangeMapper.Mapped mapped = mapper.map(changes, targetsOfTable);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (RowChangeMapper.TargetedMutation t : mapped.mutations()) {
            for (SideMutation side : SideRouter.route(t.target().layout(), t.mutation())) {
                Future<RecordMetadata> f = producer.send(new ProducerRecord<>(config.topic(),
                        side.layout().countKey(side.side(), side.node()), WalCodec.encode(new WalCodec.SideRecord(side.storageId(), t.target().viewName(), side.side(), t.mutation()))));
                // A send that failed at once (no metadata within max.block.ms: Kafka is down) fails the
                // whole batch now, instead of blocking max.block.ms again for every remaining record.
                if (f.isDone()) {
                    await(f);
                }
                sent.add(f);
            }
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            RecordMetadata m = await(f);
            published.merge(m.partition(), m.offset(), Math::max);
        }
        return mapped.deadLetters();
    }

    /** The newest acknowledged offset per WAL partition: what a consumer must have applied to be caught up with it. */
    public Map<Integer, Long> published() {
        return Map.copyOf(published);
    }

    private static RecordMetadata await(Future<RecordMetadata> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the WAL batch: " + e, e);
        }
    }
}
