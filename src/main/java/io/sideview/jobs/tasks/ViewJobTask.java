package io.sideview.jobs.tasks;

import com.codahale.metrics.annotation.Timed;
import io.dropwizard.servlets.tasks.Task;
import io.sideview.errors.Refused;
import io.sideview.jobs.JobService;
import io.sideview.jobs.JobType;
import io.sideview.jobs.api.Job;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/view-verify|view-rebuild|view-replay?name=V}: hands the view's job to the job
 * service and prints one line with its id (follow it at {@code GET /api/v1/jobs/{id}}). Idempotent:
 * while a job of that type is queued or running for the view, it prints that job instead of queueing
 * another.
 */
public class ViewJobTask extends Task {
    private final JobService jobs;
    private final JobType type;

    public ViewJobTask(String name, JobType type, JobService jobs) {
        super(name);
        this.jobs = jobs;
        this.type = type;
    }

    /** The operator tasks for the client jobs that take just a view. */
    public static List<ViewJobTask> all(JobService jobs) {
        return List.of(new ViewJobTask("view-verify", JobType.VERIFY, jobs),
                new ViewJobTask("view-rebuild", JobType.REBUILD, jobs),
                new ViewJobTask("view-replay", JobType.REPLAY, jobs));
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
        try {
            for (Job j : jobs.list(name, Long.MAX_VALUE, 100)) {
                if (j.type() == type && !j.state().finished()) {
                    output.println(type + " of view '" + name + "' is already " + j.state() + " as job " + j.id()
                            + "; GET /api/v1/jobs/" + j.id());
                    return;
                }
            }
            Job job = jobs.submit(type, name);
            output.println(type + " of view '" + name + "' queued as job " + job.id() + "; GET /api/v1/jobs/" + job.id());
        } catch (Refused e) {
            for (Refused.Reason r : e.reasons().isEmpty() ? List.of(new Refused.Reason("name", e.detail())) : e.reasons()) {
                output.println("refused: " + r.field() + ": " + r.reason());
            }
        }
    }
}
