package io.sideview.ingest;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** One in-JVM KRaft Kafka broker per test JVM (recipes: KafkaClusterTestKit), started lazily. */
public final class KafkaBroker {
    private static KafkaClusterTestKit kit;

    private KafkaBroker() {}

    public static synchronized String bootstrapServers() {
        if (kit == null) {
            try {
                kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                        .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                        .setConfigProp("auto.create.topics.enable", "true")
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .build();
                kit.format();
                kit.startup();
                kit.waitForReadyBrokers();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test Kafka broker", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    kit.close();
                } catch (Exception ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return kit.bootstrapServers();
    }
}
