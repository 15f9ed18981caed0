package io.sideview.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sideview.api.Texts;
import io.sideview.edge.ApplyStatus;
import io.sideview.edge.EdgeWriter;
import io.sideview.edge.Mutation;
import io.sideview.ingest.db.DeadLetterDao;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Applies a batch of captured row changes to every view bound to their table, through the
 * single-writer lanes, and returns only when all of it is durable in storage (or in the dead
 * letters), so the caller may then commit the source offsets (invariant 4).
 */
public class ChangeApplier implements ChangeSink {
    private final EdgeWriter writer;
    private final DeadLetterDao deadLetters;
    private final ObjectMapper mapper;
    private final Clock clock;

    public ChangeApplier(EdgeWriter writer, DeadLetterDao deadLetters, ObjectMapper mapper, Clock clock) {
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Returns the number of dead letters the batch produced. Throws when storage failed: nothing may be committed. */
    @Override
    public int accept(List<RowChange> changes, Function<String, List<CaptureTarget>> targetsOfTable) {
        Mapped mapped = map(changes, targetsOfTable);
        List<CompletableFuture<ApplyStatus>> pending = new ArrayList<>(mapped.mutations().size());
        for (TargetedMutation t : mapped.mutations()) {
            pending.add(writer.apply(t.target().layout(), t.mutation()));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        // Durable before the caller commits the source offsets past these changes.
        writer.sync();
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
