package io.sideview.jobs;

/** An index added by a later revision is PENDING until its build is done, then READY for scans. */
public enum IndexBuildState {
    PENDING, READY
}
