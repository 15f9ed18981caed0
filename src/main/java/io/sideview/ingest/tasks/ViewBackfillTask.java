package io.sideview.ingest.tasks;

import com.codahale.metrics.annotation.Timed;
import io.dropwizard.servlets.tasks.Task;
import io.sideview.errors.Refused;
import io.sideview.ingest.CopyStatus;
import io.sideview.ingest.IngestService;
import io.sideview.ingest.api.CopyProgress;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code POST /tasks/view-backfill?name=V}: takes up the view's cancelled history copies again, each
 * from the first chunk not done (as {@code POST /api/v1/ingest/copies/resume}), and prints one line:
 * the copies per shard and their state. Idempotent: with nothing cancelled it prints the copies as
 * they are (running, done) and changes nothing. A view whose copy is done is copied again only by a
 * REPLAY (view-replay), which builds a new generation beside the one answering.
 */
public class ViewBackfillTask extends Task {
    private final IngestService ingest;

    public ViewBackfillTask(IngestService ingest) {
        super("view-backfill");
        this.ingest = ingest;
    }

    @Override
    @Timed
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        List<String> names = parameters.getOrDefault("name", List.of());
        if (names.size() != 1 || names.get(0).isEmpty()) {
            output.println("refused: name: give the view's name once");
            return;
        }
        String name = names.get(0);
        List<CopyProgress> copies = ingest.copies().stream().filter(c -> c.view().equals(name)).toList();
        if (copies.stream().anyMatch(c -> c.status() == CopyStatus.CANCELLED)) {
            try {
                copies = ingest.resumeCopies(name);
            } catch (Refused e) {
                output.println("refused: name: " + e.detail());
                return;
            }
            output.println("history copy of view '" + name + "' resumed: " + describe(copies));
        } else if (copies.isEmpty()) {
            output.println("view '" + name + "' has no history copy on this node (not captured, or not known here)");
        } else {
            output.println("history copy of view '" + name + "' has nothing cancelled to resume: " + describe(copies)
                    + (copies.stream().allMatch(c -> c.status() == CopyStatus.DONE) ? "; view-replay copies it again" : ""));
        }
    }

    private static String describe(List<CopyProgress> copies) {
        return copies.stream().map(c -> c.shard() + " " + c.status() + " (" + c.chunksDone() + " chunks, "
                + c.rowsCopied() + " rows)").collect(Collectors.joining(", "));
    }
}
