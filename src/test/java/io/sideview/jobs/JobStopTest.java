package io.sideview.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node's stop asks its running job to stop at its next node instead of interrupting it (an interrupt
 * during an H2 file write closes the whole metadata DB), and starts none of the jobs queued behind it:
 * they stay QUEUED for the next start.
 */
class JobStopTest {
    private JobNodes cluster;

    @BeforeEach
    void setUp() throws Exception {
        cluster = JobNodes.withFriendsView("job-stop-test", 1);
    }

    @AfterEach
    void tearDown() throws Exception {
        cluster.close();
    }

    @Test
    void aStopLetsTheRunningJobStopByItselfAndStartsNoQueuedOne() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicLong steps = new AtomicLong();
        JobService node = cluster.node("node-a", jobs -> jobs.handle(JobType.SOURCE_VERIFY, (j, cancelled, progress) -> {
            while (!cancelled.getAsBoolean()) {
                // Writes to the metadata DB all the time, as a verify's checkpoints do.
                progress.at("node " + steps.get(), steps.incrementAndGet(), () -> "{}");
                if (Thread.currentThread().isInterrupted()) {
                    interrupted.set(true);
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                }
            }
            return null;
        }));
        long running = node.submit(JobType.SOURCE_VERIFY, "friends").id();
        long queued = node.submit(JobType.SOURCE_VERIFY, "friends").id();
        await().atMost(Duration.ofSeconds(10)).until(() -> steps.get() > 20);

        cluster.stop(node);

        assertThat(interrupted).as("the running job was interrupted").isFalse();
        assertThat(cluster.row(running).state()).isEqualTo(JobState.CANCELLED);
        assertThat(cluster.row(queued).state()).as("a job queued behind it").isEqualTo(JobState.QUEUED);
        assertThat(cluster.dao.find(running)).as("the metadata DB still answers").isPresent();
    }
}
