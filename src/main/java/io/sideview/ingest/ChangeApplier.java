package io.sideview.ingest;

import io.sideview.edge.IntakeLog;
import io.sideview.edge.Mutation;
import io.sideview.edge.ViewLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * wal: none — the in-process sink. Maps a batch of captured row changes ({@link RowChangeMapper}) and
 * applies the mutations of every bound view through the intake log and the single-writer lanes;
 * returns only when all of it is durable in storage (or in the dead letters), so the caller may then
 * commit the source offsets (invariant 4).
 */
public class ChangeApplier implements ChangeSink {
    /** Bounded: a batch not applied by then fails, and its engine replays it (applies are idempotent). */
    private static final long APPLY_TIMEOUT_MS = 10 * 60_000;
    private final IntakeLog intake;
    private final RowChangeMapper mapper;

    public ChangeApplier(IntakeLog intake, RowChangeMapper mapper) {
        this.intake = intake;
        this.mapper = mapper;
    }

    /** Returns the number of dead letters the batch produced. Throws when storage failed: nothing may be committed. */
    @Override
    public int accept(List<RowChange> changes, Function<String, List<CaptureTarget>> targetsOfTable) {
        RowChangeMapper.Mapped mapped = mapper.map(changes, targetsOfTable);
        Map<ViewLayout, List<Mutation>> byView = new LinkedHashMap<>();
        for (RowChangeMapper.TargetedMutation t : mapped.mutations()) {
            byView.computeIfAbsent(t.target().layout(), l -> new ArrayList<>()).add(t.mutation());
        }
        if (!byView.isEmpty()) {
            // A streamed batch is delivered again from the engine's offsets after a crash, at the same
            // versions, which finishes any side a crash left. A history copy is not: it is redone at a
            // new position (a new version), and a row deleted since is never copied again, so a copy
            // batch goes through the intake log, whose record finishes it at the next start. Either way
            // this returns when every side is applied and synced: the caller may commit the offsets.
            boolean copy = changes.stream().anyMatch(RowChange::snapshot);
            IntakeLog.Batch batch = copy ? intake.write(byView) : intake.applyReplayable(byView);
            for (IntakeLog.Outcome o : intake.finish(batch, APPLY_TIMEOUT_MS)) {
                if (o.failure() != null) {
                    throw new IllegalStateException("the batch was not applied: " + o.failure(), o.failure());
                }
            }
        }
        return mapped.deadLetters();
    }
}
