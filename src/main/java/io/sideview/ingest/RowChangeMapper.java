package io.sideview.ingest;

import io.sideview.edge.Mutation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Maps a batch of captured row changes to mutations of every view bound to their table, the same way
 * for both sinks (in process and the Kafka WAL). A row a view's binding cannot map becomes a dead
 * letter of that view, with the reason; the rest of the batch goes on.
 */
public class RowChangeMapper {
    private final DeadLetters deadLetters;

    public RowChangeMapper(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** A mutation for one bound view. */
    public record TargetedMutation(CaptureTarget target, Mutation mutation) {}

    /** What a batch maps to, and how many rows went to the dead letters instead. */
    public record Mapped(List<TargetedMutation> mutations, int deadLetters) {}

    public Mapped map(List<RowChange> changes, Function<String, List<CaptureTarget>> targetsOfTable) {
        List<TargetedMutation> out = new ArrayList<>();
        int dead = 0;
        for (RowChange change : changes) {
            for (CaptureTarget target : targetsOfTable.apply(change.database() + "." + change.table())) {
                try {
                    for (Mutation m : RowMapper.map(change, target.layout().definition())) {
                        out.add(new TargetedMutation(target, m));
                    }
                } catch (RowMapper.Unmappable e) {
                    deadLetters.rowChange(target, change, e.getMessage());
                    dead++;
                }
            }
        }
        return new Mapped(out, dead);
    }
}
