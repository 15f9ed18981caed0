package io.sideview.edge;

import java.util.concurrent.atomic.LongAdder;

/**
 * How the apply lanes found the rows an apply starts from: kept in memory ({@link KeptRows}) or read
 * from storage. Shared by every lane of a writer; exposed as gauges so an operator sees whether the
 * kept rows are sized for the workload.
 */
public record KeptReads(LongAdder countsKept, LongAdder countsRead, LongAdder statesKept, LongAdder statesRead) {
    public KeptReads() {
        this(new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder());
    }
}
