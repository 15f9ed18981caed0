package io.sideview.jobs;

/** A job's life: QUEUED, RUNNING, then one of DONE, FAILED, CANCELLED. */
public enum JobState {
    QUEUED, RUNNING, DONE, FAILED, CANCELLED;

    public boolean finished() {
        return this != QUEUED && this != RUNNING;
    }
}
