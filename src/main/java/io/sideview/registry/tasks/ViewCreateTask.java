package io.sideview.registry.tasks;

import com.codahale.metrics.annotation.Timed;
import io.dropwizard.servlets.tasks.PostBodyTask;
import io.sideview.errors.Refused;
import io.sideview.registry.DefinitionParser;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.api.ViewDescriptor;
import io.sideview.registry.api.ViewSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/view-create} with a definition as the body. Idempotent: creating a view that
 * already exists with the same definition reports it unchanged.
 */
public class ViewCreateTask extends PostBodyTask {
    private final ViewRegistry registry;
    private final DefinitionParser parser;

    public ViewCreateTask(ViewRegistry registry, DefinitionParser parser) {
        super("view-create");
        this.registry = registry;
        this.parser = parser;
    }

    @Override
    @Timed
    public void execute(Map<String, List<String>> parameters, String body, PrintWriter output) {
        try {
            ViewSpec spec = parser.parse(body);
            if (spec.name() != null && registry.list().stream().anyMatch(v -> v.name().equals(spec.name()))) {
                ViewDescriptor same = registry.get(spec.name());
                ViewDescriptor after = registry.update(spec.name(), spec);
                if (after.revision() == same.revision()) {
                    output.println("view '" + after.name() + "' already exists with this definition (id " + after.id()
                            + ", revision " + after.revision() + "), unchanged");
                } else {
                    output.println("view '" + after.name() + "' existed; updated to revision " + after.revision());
                }
                return;
            }
            ViewDescriptor created = registry.create(spec);
            output.println("created view '" + created.name() + "' (id " + created.id() + ", revision 1)");
        } catch (Refused e) {
            TaskOutput.refused(e, output);
        }
    }
}
