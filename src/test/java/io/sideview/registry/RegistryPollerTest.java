package io.sideview.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.util.Duration;
import io.sideview.registry.db.ViewRow;
import io.sideview.registry.health.RegistryHealthCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The poller's decisions, on a fake registry and a clock the test moves. */
class RegistryPollerTest {
    private final AtomicLong now = new AtomicLong(10_000);
    private final Map<String, ViewRow> rows = new TreeMap<>();
    private long seq;
    private RuntimeException failure;
    private int listed;
    private final List<String> announced = new ArrayList<>();
    private final List<String> gate = new ArrayList<>();
    private final RegistryPoller poller = new RegistryPoller(
            new RegistryPoller.Source(this::readSeq, this::readRows), announced::add,
            new RegistryPoller.Pause(reason -> gate.add("pause: " + reason), () -> gate.add("resume")), now::get,
            new RegistryConfig(true, null, Duration.milliseconds(200), Duration.seconds(2)));

    private long readSeq() {
        if (failure != null) {
            throw failure;
        }
        return seq;
    }

    private List<ViewRow> readRows() {
        listed++;
        return List.copyOf(rows.values());
    }

    private void put(String name, long id, int revision, String status) {
        rows.put(name, new ViewRow(id, name, status, revision, 1, now.get(), id, null));
        seq++;
    }

    @Test
    void announcesOnlyTheViewsThatChangedAndOnlyWhenTheCounterMoved() {
        put("follows", 1, 1, "ACTIVE");
        poller.poll();
        assertThat(announced).as("the starting point announces nothing").isEmpty();

        poller.poll();
        assertThat(listed).as("an unmoved counter reads no views").isEqualTo(1);

        put("likes", 2, 1, "ACTIVE");
        put("follows", 1, 2, "ACTIVE");
        poller.poll();
        assertThat(announced).containsExactly("follows", "likes");

        announced.clear();
        put("likes", 2, 1, "INACTIVE");
        poller.poll();
        assertThat(announced).containsExactly("likes");

        announced.clear();
        rows.remove("likes");
        seq++;
        poller.poll();
        assertThat(announced).as("deleted").containsExactly("likes");

        announced.clear();
        seq++; // a write that changed no row this node sees (e.g. one already read)
        poller.poll();
        assertThat(announced).isEmpty();
        assertThat(gate).isEmpty();
    }

    @Test
    void aListenerFailingMakesTheNextPollAnnounceAgain() {
        poller.poll();
        List<String> calls = new ArrayList<>();
        RegistryPoller failingOnce = new RegistryPoller(new RegistryPoller.Source(this::readSeq, this::readRows),
                name -> {
                    calls.add(name);
                    if (calls.size() == 1) {
                        throw new IllegalStateException("metadata DB away");
                    }
                }, new RegistryPoller.Pause(gate::add, () -> gate.add("resume")), now::get, RegistryConfig.defaults());
        failingOnce.poll();
        put("follows", 1, 1, "ACTIVE");
        failingOnce.poll();
        failingOnce.poll();
        assertThat(calls).containsExactly("follows", "follows");
    }

    @Test
    void pausesOnlyAfterTheBoundThenResumesOnceAfterAnnouncingWhatChangedMeanwhile() {
        RegistryHealthCheck check = new RegistryHealthCheck(poller);
        poller.poll();
        failure = new IllegalStateException("connection refused");
        now.addAndGet(1_000);
        poller.poll();
        now.addAndGet(999);
        poller.poll();
        assertThat(gate).as("1999 ms of failures").isEmpty();
        assertThat(check.execute().isHealthy()).isTrue();

        now.addAndGet(1);
        poller.poll();
        now.addAndGet(500);
        poller.poll();
        assertThat(gate).containsExactly("pause: the registry is unreadable: java.lang.IllegalStateException: connection refused");
        assertThat(check.execute().isHealthy()).isFalse();
        assertThat(check.execute().getMessage()).contains("connection refused");

        put("follows", 1, 1, "ACTIVE"); // created elsewhere while this node could not read
        failure = null;
        poller.poll();
        poller.poll();
        assertThat(announced).containsExactly("follows");
        assertThat(gate).hasSize(2).last().isEqualTo("resume");
        assertThat(check.execute().isHealthy()).isTrue();
    }

    @Test
    void aFailureAfterAGoodReadStartsTheBoundAfresh() {
        poller.poll();
        failure = new IllegalStateException("timeout");
        now.addAndGet(1_900);
        poller.poll();
        failure = null;
        poller.poll();
        failure = new IllegalStateException("timeout");
        now.addAndGet(1_900);
        poller.poll();
        assertThat(gate).isEmpty();
    }

    @Test
    void rejectsAPauseBoundShorterThanThePollInterval() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                new RegistryConfig(true, null, Duration.seconds(1), Duration.milliseconds(500)))
                .hasMessageContaining("registry.pauseAfter");
    }

    @Test
    void aStartingPointUnreadableAtStartIsFollowedByAnnouncingEveryView() {
        put("follows", 1, 1, "ACTIVE");
        put("likes", 2, 1, "ACTIVE");
        failure = new IllegalStateException("connection refused");
        // Its own schedule far away: the test's polls are the only ones.
        RegistryPoller started = new RegistryPoller(new RegistryPoller.Source(this::readSeq, this::readRows),
                announced::add, new RegistryPoller.Pause(gate::add, () -> gate.add("resume")), now::get,
                new RegistryConfig(true, null, Duration.minutes(10), Duration.minutes(10)));
        started.start();
        try {
            failure = null;
            started.poll();
            assertThat(announced).containsExactly("follows", "likes");
        } finally {
            try {
                started.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
