package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.Examples;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import javax.management.ObjectName;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every corner of the matrix (RocksDB or HBase × wal none or kafka), in process: the history copy of
 * 1,000 changes, then 10,000 more changes of every kind over two shards, must equal SQL.
 */
@Tag("integration")
class CdcCornersIntegrationTest {
    @ParameterizedTest
    @EnumSource(Corner.class)
    void historyCopyThenWorkloadEqualsSql(Corner corner) throws Exception {
        try (CdcTestApp cdc = new CdcTestApp("corner" + corner.ordinal(), 700 + 10 * corner.ordinal())) {
            cdc.startApp(Corner.overrides(corner.settings()));
            FriendsWorkload workload = cdc.workload(17 + corner.ordinal());
            workload.run(1000);
            assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
            ViewVsSql.awaitExact(cdc::http, workload, corner + " after the history copy", 300);
            assertEnginesTookTheGroupsDebeziumSettings(); // engines run once a view binds their tables
            workload.run(10_000);
            ViewVsSql.awaitExact(cdc::http, workload, corner + " after the workload", 420);
            assertThat(cdc.healthy("storage")).isTrue();
            if (corner.kafka) {
                assertKafkaConsumerCaughtUp(cdc);
            }
        }
    }

    /** The example's {@code debezium: {max.queue.size: 16384}} reached both engines (Debezium's default is 8192). */
    private static void assertEnginesTookTheGroupsDebeziumSettings() throws Exception {
        var server = ManagementFactory.getPlatformMBeanServer();
        var pattern = new ObjectName("debezium.*:type=connector-metrics,context=streaming,*");
        Awaitility.await("both engines' streaming metrics").atMost(Duration.ofSeconds(60))
                .until(() -> server.queryNames(pattern, null).size() >= 2);
        for (ObjectName engine : server.queryNames(pattern, null)) {
            assertThat(server.getAttribute(engine, "QueueTotalCapacity")).as(engine.toString()).isEqualTo(16384);
        }
    }

    private static void assertKafkaConsumerCaughtUp(CdcTestApp cdc) {
        JsonNode status = cdc.http().get("/v1/ingest/status").json();
        assertThat(status.get("wal").asText()).isEqualTo("kafka");
        // The applying half: records applied, nothing left behind. Lag is measured at most once a
        // second: wait for a measurement taken after the last record.
        JsonNode consumer = Awaitility.await("the WAL consumer has no lag").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> cdc.http().get("/v1/ingest/status").json().get("walConsumer"),
                        c -> c.get("lagRecords").isNumber() && c.get("lagRecords").asLong() == 0);
        assertThat(consumer.get("applied").asLong()).as(consumer.toString()).isPositive();
        assertThat(consumer.get("lagRecords").asLong()).as(consumer.toString()).isZero();
        assertThat(consumer.get("lastError").isNull()).isTrue();
        assertThat(cdc.healthy("wal-kafka")).isTrue();
    }
}
