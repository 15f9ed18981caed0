package io.sideview.jobs;

/**
 * What a job's numbers say about it: percent done, rate since the start, and time left at that rate.
 * Null where it cannot be known (no total yet, not started, nothing done yet).
 */
record JobProgress(Double percent, Double ratePerSecond, Long etaSeconds) {

    static JobProgress of(JobState state, Long total, long done, Long startedAt, Long finishedAt, long now) {
        Double percent = null;
        Double rate = null;
        Long eta = null;
        if (total != null && total > 0) {
            percent = Math.min(100.0, Math.round(1000.0 * done / total) / 10.0);
        } else if (state == JobState.DONE) {
            percent = 100.0;
        }
        if (startedAt != null) {
            long end = finishedAt != null ? finishedAt : now;
            double seconds = Math.max(0.001, (end - startedAt) / 1000.0);
            rate = Math.round(10.0 * done / seconds) / 10.0;
            if (state == JobState.RUNNING && total != null) {
                if (done >= total) {
                    eta = 0L;
                } else if (done > 0) {
                    eta = Math.round((total - done) / (done / seconds));
                }
            }
        }
        return new JobProgress(percent, rate, eta);
    }
}
