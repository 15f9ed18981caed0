package io.sideview.registry.tasks;

import com.codahale.metrics.annotation.Timed;
import io.dropwizard.servlets.tasks.Task;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.api.ViewDescriptor;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code POST /tasks/view-list}: one line per view. */
public class ViewListTask extends Task {
    private final ViewRegistry registry;

    public ViewListTask(ViewRegistry registry) {
        super("view-list");
        this.registry = registry;
    }

    @Override
    @Timed
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        List<ViewDescriptor> views = registry.list();
        if (views.isEmpty()) {
            output.println("no views");
        }
        for (ViewDescriptor v : views) {
            output.println(v.name() + " id=" + v.id() + " revision=" + v.revision() + " status=" + v.status()
                    + (v.captured() ? " captured=" + v.definition().binding().sourceGroup() + ":"
                    + v.definition().binding().database() + "." + v.definition().binding().table() : " api-written"));
        }
    }
}
