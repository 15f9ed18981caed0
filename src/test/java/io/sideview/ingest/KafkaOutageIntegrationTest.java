package io.sideview.ingest;

import org.junit.jupiter.api.Tag;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.sideview.Examples;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
        long deadline = System.nanoTime() + 90_000_000_000L;
        boolean sawOutage = false;
        while (System.nanoTime() < deadline && !sawOutage) {
            sawOutage = !cdc.healthy("wal-kafka");
            Thread.sleep(500);
        }
        assertThat(sawOutage).as("health shows Kafka down").isTrue();

        kafka.startBroker();
        workload.run(1500);
        ViewVsSql.awaitExact(cdc::http, workload, "after the broker came back", 300);
        assertThat(cdc.healthy("wal-kafka")).isTrue();
    }
}
