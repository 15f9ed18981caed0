package io.sideview.registry.tasks;

import com.codahale.metrics.annotation.Timed;
import io.dropwizard.servlets.tasks.Task;
import io.sideview.errors.Refused;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.ViewStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code POST /tasks/view-deactivate?name=V}: idempotent; a deactivated view can then be deleted over REST. */
public class ViewDeactivateTask extends Task {
    private final ViewRegistry registry;

    public ViewDeactivateTask(ViewRegistry registry) {
        super("view-deactivate");
        this.registry = registry;
    }

    @Override
    @Timed
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        List<String> names = parameters.getOrDefault("name", List.of());
        if (names.isEmpty()) {
            output.println("refused: name: the query parameter name is required");
            return;
        }
        for (String name : names) {
            try {
                String before = registry.get(name).status();
                registry.setStatus(name, ViewStatus.INACTIVE);
                output.println("view '" + name + "' is INACTIVE" + (before.equals("INACTIVE") ? " (already)" : " (was " + before + ")"));
            } catch (Refused e) {
                TaskOutput.refused(e, output);
            }
        }
    }
}
