package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.sideview.Examples;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * wal kafka into RocksDB, and the Kafka broker stops mid-workload: health shows the outage, the
 * engines stop making progress (nothing is dropped: source offsets are committed only after Kafka
 * acknowledged), and once the broker is back the view is exact.
 */
@Tag("integration")
class KafkaOutageIntegrationTest {
    private static KafkaProcess kafka;
    private static CdcTestApp cdc;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaProcess.start();
        cdc = new CdcTestApp("ko", 601).startApp(
                ConfigOverride.config("wal.mode", "kafka"),
                ConfigOverride.config("wal.kafka.bootstrapServers", kafka.bootstrapServers()),
                ConfigOverride.config("wal.kafka.partitions", "4"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cdc != null) {
            cdc.close();
        }
        kafka.close();
    }

    @Test
    void brokerOutageIsVisibleAndNothingIsLost() throws Exception {
        FriendsWorkload workload = cdc.workload(13);
        workload.run(500);
        assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
        ViewVsSql.awaitExact(cdc::http, workload, "before the outage", 180);
        assertThat(cdc.healthy("wal-kafka")).isTrue();

        kafka.stopBroker();
        workload.run(1500);
        Awaitility.await("health shows Kafka down").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> !cdc.healthy("wal-kafka"));

        kafka.startBroker();
        workload.run(1500);
        ViewVsSql.awaitExact(cdc::http, workload, "after the broker came back", 300);
        assertThat(cdc.healthy("wal-kafka")).isTrue();
    }
}
