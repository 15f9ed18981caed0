package io.sideview.ingest;

import io.sideview.edge.ApplyGate;
import java.util.List;
import java.util.function.Function;

/**
 * Holds capture engines and history copies at a paused {@link ApplyGate}: the batch waits, so its source
 * offsets are not committed, and goes on where it stopped once the gate opens (both wal modes: with
 * wal kafka the capture targets a paused node would publish for are the ones it cannot confirm either).
 */
public final class GatedSink implements ChangeSink {
    private final ApplyGate gate;
    private final ChangeSink sink;

    public GatedSink(ApplyGate gate, ChangeSink sink) {
        this.gate = gate;
        this.sink = sink;
    }

    @Override
    public int accept(List<RowChange> changes, Function<String, List<CaptureTarget>> targetsOfTable) {
        try {
            gate.awaitOpen();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while applying was paused; the batch is taken again", e);
        }
        return sink.accept(changes, targetsOfTable);
    }
}
