package io.debezium.pipeline.meters;

import io.debezium.data.Envelope.Operation;
import io.debezium.pipeline.metrics.traits.CommonEventMetricsMXBean;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.spi.schema.DataCollectionId;
import io.debezium.util.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Struct;

/**
 * Sideview's stand-in for Debezium 3.5.0's class of the same name, ahead of it on the class path (and
 * in the shaded jar): the same API and counters, but the JMX attribute {@code LastEvent} is formatted
 * when read, not for every event. Debezium formats each event's key and position as a string on the
 * binlog thread, building a Jackson {@code ObjectMapper} each time, about 12-14 % of the service's CPU
 * in the ingest profile (docs/benchmarks.md), and no setting turns that off. The summary shown is the
 * last event's, with its offset context as it is when read (it may have moved on by then).
 * {@code DebeziumShadowTest} fails on another Debezium version, so an upgrade re-checks this class.
 */
public class CommonEventMeter implements CommonEventMetricsMXBean {
    /** Marks this class as Sideview's (tests read it from the packaged jar). */
    public static final String SIDEVIEW_SHADOW = "lazy LastEvent";

    protected final AtomicLong totalNumberOfEventsSeen = new AtomicLong();
    protected final AtomicLong totalNumberOfCreateEventsSeen = new AtomicLong();
    protected final AtomicLong totalNumberOfUpdateEventsSeen = new AtomicLong();
    protected final AtomicLong totalNumberOfDeleteEventsSeen = new AtomicLong();
    private final AtomicLong numberOfEventsFiltered = new AtomicLong();
    protected final AtomicLong numberOfErroneousEvents = new AtomicLong();
    protected final AtomicLong lastEventTimestamp = new AtomicLong(-1);
    private volatile LastEvent lastEvent;
    private final Clock clock;
    private final EventMetadataProvider metadataProvider;

    /** What {@code LastEvent} is formatted from, when someone reads it. */
    private record LastEvent(DataCollectionId source, OffsetContext offset, Object key, Struct value) {}

    public CommonEventMeter(Clock clock, EventMetadataProvider metadataProvider) {
        this.clock = clock;
        this.metadataProvider = metadataProvider;
    }

    public void onEvent(DataCollectionId source, OffsetContext offset, Object key, Struct value, Operation operation) {
        updateCommonEventMetrics(operation);
        lastEvent = new LastEvent(source, offset, key, value);
    }

    private void updateCommonEventMetrics(Operation operation) {
        totalNumberOfEventsSeen.incrementAndGet();
        lastEventTimestamp.set(clock.currentTimeInMillis());
        if (operation == null) {
            return;
        }
        // Not a switch: that would compile to a synthetic CommonEventMeter$1, a name Debezium's jar has too.
        if (operation == Operation.CREATE) {
            totalNumberOfCreateEventsSeen.incrementAndGet();
        } else if (operation == Operation.UPDATE) {
            totalNumberOfUpdateEventsSeen.incrementAndGet();
        } else if (operation == Operation.DELETE) {
            totalNumberOfDeleteEventsSeen.incrementAndGet();
        }
    }

    public void onFilteredEvent() {
        onFilteredEvent(null);
    }

    public void onFilteredEvent(Operation operation) {
        numberOfEventsFiltered.incrementAndGet();
        updateCommonEventMetrics(operation);
    }

    public void onErroneousEvent() {
        onErroneousEvent(null);
    }

    public void onErroneousEvent(Operation operation) {
        numberOfErroneousEvents.incrementAndGet();
        updateCommonEventMetrics(operation);
    }

    @Override
    public String getLastEvent() {
        LastEvent last = lastEvent;
        return last == null ? null : metadataProvider.toSummaryString(last.source(), last.offset(), last.key(), last.value());
    }

    @Override
    public long getMilliSecondsSinceLastEvent() {
        long at = lastEventTimestamp.get();
        return at == -1 ? -1 : clock.currentTimeInMillis() - at;
    }

    @Override
    public long getTotalNumberOfEventsSeen() {
        return totalNumberOfEventsSeen.get();
    }

    @Override
    public long getTotalNumberOfCreateEventsSeen() {
        return totalNumberOfCreateEventsSeen.get();
    }

    @Override
    public long getTotalNumberOfUpdateEventsSeen() {
        return totalNumberOfUpdateEventsSeen.get();
    }

    @Override
    public long getTotalNumberOfDeleteEventsSeen() {
        return totalNumberOfDeleteEventsSeen.get();
    }

    @Override
    public long getNumberOfEventsFiltered() {
        return numberOfEventsFiltered.get();
    }

    @Override
    public long getNumberOfErroneousEvents() {
        return numberOfErroneousEvents.get();
    }

    public void reset() {
        totalNumberOfEventsSeen.set(0);
        totalNumberOfCreateEventsSeen.set(0);
        totalNumberOfUpdateEventsSeen.set(0);
        totalNumberOfDeleteEventsSeen.set(0);
        lastEventTimestamp.set(-1);
        numberOfEventsFiltered.set(0);
        numberOfErroneousEvents.set(0);
        lastEvent = null;
    }
}
