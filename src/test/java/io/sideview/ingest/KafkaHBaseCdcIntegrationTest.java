package io.sideview.ingest;

import org.junit.jupiter.api.Tag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.sideview.Examples;
import io.sideview.storage.hbase.MiniHBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The other corner of the matrix: wal kafka (engines publish mapped mutations to a real in-JVM
 * Kafka broker, offsets and schema history in Kafka topics, a consumer group applies) into HBase
 * (the real mini cluster, salted keys). History copy plus 10,000 changes must equal SQL.
 */
@Tag("integration")
class KafkaHBaseCdcIntegrationTest {
    private static CdcTestApp cdc;

    @BeforeAll
    static void start() throws Exception {
        String suffix = String.valueOf(System.nanoTime());
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("wal.mode", "kafka"),
                ConfigOverride.config("wal.kafka.bootstrapServers", KafkaBroker::bootstrapServers),
                ConfigOverride.config("wal.kafka.topic", "wal-" + suffix),
                ConfigOverride.config("wal.kafka.partitions", "4"),
                ConfigOverride.config("wal.kafka.offsetsTopic", "offsets-" + suffix)));
        overrides.addAll(MiniHBase.serviceOverrides("cdc_"));
        cdc = new CdcTestApp("k", 401).startApp(overrides.toArray(ConfigOverride[]::new));
    }

    @AfterAll
    static void stop() throws Exception {
        cdc.close();
    }

    @Test
    void kafkaWalIntoHBaseEqualsSql() throws Exception {
        FriendsWorkload workload = cdc.workload(5);
        workload.run(1000);
        assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
        ViewVsSql.awaitExact(cdc::http, workload, "after the history copy", 300);
        workload.run(10_000);
        ViewVsSql.awaitExact(cdc::http, workload, "after the workload", 420);

        JsonNode status = cdc.http().get("/v1/ingest/status").json();
        assertThat(status.get("wal").asText()).isEqualTo("kafka");
        // The applying half: records applied, nothing left behind.
        JsonNode consumer = status.get("walConsumer");
        // Measured at most once a second: wait for a measurement taken after the last record.
        for (int i = 0; i < 150 && (!consumer.get("lagRecords").isNumber() || consumer.get("lagRecords").asLong() != 0); i++) {
            Thread.sleep(100);
            consumer = cdc.http().get("/v1/ingest/status").json().get("walConsumer");
        }
        assertThat(consumer.get("applied").asLong()).as(consumer.toString()).isPositive();
        assertThat(consumer.get("lagRecords").asLong()).as(consumer.toString()).isZero();
        assertThat(consumer.get("lastError").isNull()).isTrue();
        assertThat(cdc.healthy("wal-kafka")).isTrue();
        assertThat(cdc.healthy("storage")).isTrue();
    }
}
