package io.sideview.jobs;

/** How work that runs elsewhere (a shard engine's history copy) reports itself as a job. */
public interface JobTracker {
    long begin(JobType type, long viewId, String viewName, String detail, Long total);

    void total(long id, long total);

    void progress(long id, long done);

    void finish(long id, boolean ok, long done, String message);

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
    };
}
