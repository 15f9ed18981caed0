package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.data.Envelope.Operation;
import io.debezium.pipeline.meters.CommonEventMeter;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.spi.schema.DataCollectionId;
import io.debezium.util.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/**
 * Sideview's {@link CommonEventMeter} stands in for Debezium's: it counts as Debezium's does, and
 * formats the last event only when {@code LastEvent} is read, not on the binlog thread per event.
 */
class DebeziumShadowTest {
    /** A provider that counts the summaries it formats. */
    private static final class Counting implements EventMetadataProvider {
        final AtomicInteger summaries = new AtomicInteger();

        @Override
        public Instant getEventTimestamp(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return Instant.EPOCH;
        }

        @Override
        public Map<String, String> getEventSourcePosition(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return Map.of();
        }

        @Override
        public String getTransactionId(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return null;
        }

        @Override
        public String toSummaryString(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            summaries.incrementAndGet();
            return "event " + key;
        }
    }

    @Test
    void theClassInUseIsSideviewsAndWasCheckedAgainstThisDebezium() {
        assertThat(CommonEventMeter.SIDEVIEW_SHADOW).isNotBlank();
        assertThat(io.debezium.connector.mysql.Module.version())
                .as("CommonEventMeter shadows Debezium 3.5.0.Final's class: compare it with the new version's, then update this")
                .isEqualTo("3.5.0.Final");
    }

    @Test
    void eventsAreCountedAndTheLastOneFormattedOnlyWhenRead() {
        Counting provider = new Counting();
        CommonEventMeter meter = new CommonEventMeter(Clock.SYSTEM, provider);
        assertThat(meter.getLastEvent()).isNull();
        assertThat(meter.getMilliSecondsSinceLastEvent()).isEqualTo(-1);
        for (int i = 0; i < 1000; i++) {
            meter.onEvent(null, null, "k" + i, null, i % 2 == 0 ? Operation.CREATE : Operation.DELETE);
        }
        meter.onFilteredEvent(Operation.UPDATE);
        meter.onErroneousEvent();
        assertThat(provider.summaries).as("nothing formatted on the event path").hasValue(0);
        assertThat(meter.getLastEvent()).isEqualTo("event k999");
        assertThat(provider.summaries).hasValue(1);
        assertThat(meter.getTotalNumberOfEventsSeen()).isEqualTo(1002);
        assertThat(meter.getTotalNumberOfCreateEventsSeen()).isEqualTo(500);
        assertThat(meter.getTotalNumberOfDeleteEventsSeen()).isEqualTo(500);
        assertThat(meter.getTotalNumberOfUpdateEventsSeen()).isEqualTo(1);
        assertThat(meter.getNumberOfEventsFiltered()).isEqualTo(1);
        assertThat(meter.getNumberOfErroneousEvents()).isEqualTo(1);
        assertThat(meter.getMilliSecondsSinceLastEvent()).isNotNegative();
        meter.reset();
        assertThat(meter.getTotalNumberOfEventsSeen()).isZero();
        assertThat(meter.getLastEvent()).isNull();
    }
}
