package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ApplyGateTest {
    private final ApplyGate gate = new ApplyGate();

    private CompletableFuture<Void> waiter() {
        return CompletableFuture.runAsync(() -> {
            try {
                gate.awaitOpen();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void workWaitsWhilePausedAndGoesOnWhenResumed() throws Exception {
        waiter().get(1, TimeUnit.SECONDS);
        gate.pause("the registry is unreadable");
        gate.pause("a second reason");
        assertThat(gate.pausedBecause()).isEqualTo("the registry is unreadable");
        CompletableFuture<Void> held = waiter();
        Thread.sleep(100);
        assertThat(held).isNotDone();
        gate.resume();
        held.get(1, TimeUnit.SECONDS);
        assertThat(gate.isOpen()).isTrue();
    }

    @Test
    void aStopReleasesWaitersWithAnErrorSoTheirBatchIsNotCommitted() {
        gate.pause("the registry is unreadable");
        CompletableFuture<Void> held = waiter();
        gate.stop();
        assertThatThrownBy(() -> held.get(1, TimeUnit.SECONDS)).hasCauseInstanceOf(ApplyGate.Stopped.class);
    }
}
