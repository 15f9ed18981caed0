package io.sideview.jobs;

/** How work that runs elsewhere (a shard engine's history copy) reports itself as a job. */
public interface JobTracker {
    long begin(JobType type, long viewId, String viewName, String detail, Long total);

    void total(long id, long total);

    void progress(long id, long done);

    void finish(long id, boolean ok, long done, String message);

    /** Finishes a job DONE with what it found. */
    void finish(long id, long done, io.sideview.jobs.api.JobResult result);

    /** True once a client asked to cancel the job; the work stops at its next safe point. */
    boolean cancelRequested(long id);

    /** For tests and tools that run without a metadata DB. */
    JobTracker NONE = new JobTracker() {
        @Override
        public long begin(JobType type, long viewId, String viewName, String detail, Long total) {
            return 0;
        }

        @Override
        public void total(long id, long total) {}

        @Override
        public void progress(long id, long done) {}

        @Override
        public void finish(long id, boolean ok, long done, String message) {}

        @Override
        public void finish(long id, long done, io.sideview.jobs.api.JobResult result) {}

        @Override
        public boolean cancelRequested(long id) {
            return false;
        }
    };
}
