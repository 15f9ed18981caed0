package io.sideview.jobs;

import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.db.JobRow;
import java.util.function.BooleanSupplier;

/**
 * What one job type does, run by the {@link JobRunner} on the jobs thread. Work that needs parts the
 * jobs package does not know (the shards, say) is registered by the wiring with
 * {@link JobService#handle}.
 */
public interface JobWork {
    /** Runs the job; null when it saw {@code cancelled} and stopped. Reports through {@code progress}. */
    JobResult run(JobRow job, BooleanSupplier cancelled, JobLedger.Progress progress) throws Exception;

    /** Called after a failure (not a cancel); the job is already FAILED. */
    default void failed(JobRow job, Exception e) {}

    /** The job's view as the catalog has it now; {@link Gone} when it was deleted (and maybe created again). */
    static ViewLayout viewOf(ViewCatalog catalog, JobRow j) {
        return catalog.current(j.viewId(), j.viewName()).orElseThrow(() ->
                new Gone("view '" + j.viewName() + "' was deleted (or deleted and created again)"));
    }

    /** A job whose subject no longer exists: running it again cannot help. */
    final class Gone extends RuntimeException {
        public Gone(String message) {
            super(message);
        }
    }
}
