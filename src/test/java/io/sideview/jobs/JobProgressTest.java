package io.sideview.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The figures the UI's progress bars and ETA show. */
class JobProgressTest {
    private static final long START = 1_000_000;

    @Test
    void aRunningJobHasPercentRateAndEta() {
        // 250 of 1,000 nodes in 10 s: 25/s, 750 left -> 30 s.
        JobProgress p = JobProgress.of(JobState.RUNNING, 1000L, 250, START, null, START + 10_000);
        assertThat(p.percent()).isEqualTo(25.0);
        assertThat(p.ratePerSecond()).isEqualTo(25.0);
        assertThat(p.etaSeconds()).isEqualTo(30L);
    }

    @Test
    void unknownsStayNull() {
        assertThat(JobProgress.of(JobState.QUEUED, null, 0, null, null, START)).isEqualTo(new JobProgress(null, null, null));
        JobProgress noTotal = JobProgress.of(JobState.RUNNING, null, 40, START, null, START + 2_000);
        assertThat(noTotal.percent()).isNull();
        assertThat(noTotal.etaSeconds()).isNull();
        assertThat(noTotal.ratePerSecond()).isEqualTo(20.0);
        assertThat(JobProgress.of(JobState.RUNNING, 1000L, 0, START, null, START + 2_000).etaSeconds()).isNull();
    }

    @Test
    void finishedJobsHaveNoEtaAndARateOverTheirRun() {
        JobProgress done = JobProgress.of(JobState.DONE, 500L, 500, START, START + 5_000, START + 60_000);
        assertThat(done.percent()).isEqualTo(100.0);
        assertThat(done.ratePerSecond()).isEqualTo(100.0);
        assertThat(done.etaSeconds()).isNull();
        // An estimate exceeded (a table that grew during its copy) never shows more than 100 %.
        assertThat(JobProgress.of(JobState.RUNNING, 100L, 120, START, null, START + 1_000).percent()).isEqualTo(100.0);
        assertThat(JobProgress.of(JobState.RUNNING, 100L, 120, START, null, START + 1_000).etaSeconds()).isZero();
        assertThat(JobProgress.of(JobState.DONE, 0L, 0, START, START, START).percent()).isEqualTo(100.0);
    }
}
