package io.sideview.jobs.tasks;

import com.codahale.metrics.annotation.Timed;
import io.dropwizard.servlets.tasks.Task;
import io.sideview.errors.Refused;
import io.sideview.jobs.JobService;
import io.sideview.jobs.JobType;
import io.sideview.jobs.api.Job;
import io.sideview.jobs.api.JobScope;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/view-source-verify?name=V[&from=A][&to=B | &sample=N][&repair=true]}: queues a
 * SOURCE_VERIFY (or a REPAIR) of view V against its source tables and prints one line with the job
 * id; follow it at {@code GET /api/v1/jobs/{id}}. Ids made of digits are numbers (long ids), others
 * strings.
 */
public class ViewSourceVerifyTask extends Task {
    private final JobService jobs;

    public ViewSourceVerifyTask(JobService jobs) {
        super("view-source-verify");
        this.jobs = jobs;
    }

    @Override
    @Timed
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        String name = one(parameters, "name");
        if (name == null) {
            output.println("refused: name: the query parameter name is required");
            return;
        }
        JobType type = "true".equals(one(parameters, "repair")) ? JobType.REPAIR : JobType.SOURCE_VERIFY;
        String sample = one(parameters, "sample");
        try {
            JobScope scope = new JobScope(id(one(parameters, "from")), id(one(parameters, "to")),
                    sample == null ? null : Long.parseLong(sample));
            Job job = jobs.submit(type, name, scope);
            output.println(type + " of view '" + name + "' queued as job " + job.id() + "; GET /api/v1/jobs/" + job.id());
        } catch (NumberFormatException e) {
            output.println("refused: sample: must be a whole number of nodes");
        } catch (Refused e) {
            for (Refused.Reason r : e.reasons().isEmpty() ? List.of(new Refused.Reason("view", e.detail())) : e.reasons()) {
                output.println("refused: " + r.field() + ": " + r.reason());
            }
        }
    }

    private static String one(Map<String, List<String>> parameters, String key) {
        List<String> v = parameters.getOrDefault(key, List.of());
        return v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    private static Object id(String text) {
        if (text == null) {
            return null;
        }
        return text.chars().allMatch(Character::isDigit) && text.length() < 19 ? (Object) Long.parseLong(text) : text;
    }
}
