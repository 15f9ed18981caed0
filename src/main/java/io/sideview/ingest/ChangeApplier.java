package io.sideview.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sideview.api.Texts;
import io.sideview.edge.IntakeLog;
import io.sideview.edge.Mutation;
import io.sideview.edge.ViewLayout;
import io.sideview.ingest.db.DeadLetterDao;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Applies a batch of captured row changes to every view bound to their table, through the
 * single-writer lanes, and returns only when all of it is durable in storage (or in the dead
 * letters), so the caller may then commit the source offsets (invariant 4).
 */
public class ChangeApplier implements ChangeSink {
    /** Bounded: a batch not applied by then fails, and its engine replays it (applies are idempotent). */
    private static final long APPLY_TIMEOUT_MS = 10 * 60_000;
    private final IntakeLog intake;
    private final DeadLetterDao deadLetters;
    private final ObjectMapper mapper;
    private final Clock clock;

    public ChangeApplier(IntakeLog intake, DeadLetterDao deadLetters, ObjectMapper mapper, Clock clock) {
        this.intake = intake;
        this.deadLetters = deadLetters;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Returns the number of dead letters the batch produced. Throws when storage failed: nothing may be committed. */
    @Override
    public int accept(List<RowChange> changes, Function<String, List<CaptureTarget>> targetsOfTable) {
        Mapped mapped = map(changes, targetsOfTable);
        Map<ViewLayout, List<Mutation>> byView = new LinkedHashMap<>();
        for (TargetedMutation t : mapped.mutations()) {
            byView.computeIfAbsent(t.target().layout(), l -> new ArrayList<>()).add(t.mutation());
        }
        if (!byView.isEmpty()) {
            // Through the intake log: a history copy is not replayed from source offsets like the stream
            // is, so a copy batch a crash cut between the two sides of an edge is finished at start from
            // here. Returns when every side is applied and synced: the caller may commit the offsets.
            for (IntakeLog.Outcome o : intake.finish(intake.write(byView), APPLY_TIMEOUT_MS)) {
                if (o.failure() != null) {
                    throw new IllegalStateException("the batch was not applied: " + o.failure(), o.failure());
                }
            }
        }
        return mapped.deadLetters();
    }

    /** A mutation for one bound view. */
    record TargetedMutation(CaptureTarget target, Mutation mutation) {}

    /** What a batch maps to, and how many rows went to the dead letters instead. */
    record Mapped(List<TargetedMutation> mutations, int deadLetters) {}

    /** Maps every change for every view bound to its table; unmappable rows are dead-lettered here. */
    Mapped map(List<RowChange> changes, Function<String, List<CaptureTarget>> targetsOfTable) {
        List<TargetedMutation> out = new ArrayList<>();
        int dead = 0;
        for (RowChange change : changes) {
            for (CaptureTarget target : targetsOfTable.apply(change.database() + "." + change.table())) {
                try {
                    for (Mutation m : RowMapper.map(change, target.layout().definition())) {
                        out.add(new TargetedMutation(target, m));
                    }
                } catch (RowMapper.Unmappable e) {
                    deadLetter(target.viewName(), change, e.getMessage());
                    dead++;
                }
            }
        }
        return new Mapped(out, dead);
    }

    private void deadLetter(String view, RowChange change, String reason) {
        String payload;
        try {
            payload = mapper.writeValueAsString(change);
        } catch (JsonProcessingException e) {
            payload = "{\"unserializable\":\"" + e.getOriginalMessage().replace('"', '\'') + "\"}";
        }
        deadLetters.add(view, change.shard(), change.position().toString(), Texts.abbreviate(reason, 1000), payload, clock.millis());
    }
}
