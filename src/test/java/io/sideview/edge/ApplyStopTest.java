package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.api.ViewDescriptor;
import org.junit.jupiter.api.Test;

/**
 * Stopping the write path under load: every write accepted is either applied or answered with an
 * error, no caller waits forever, and a direct-write batch cut by the stop is finished by the next
 * start from its intake record.
 */
class ApplyStopTest {
    private static final Map<String, Object> PROPS = Map.of("a", 1L);

    /** A registry that knows one view, the test layout's. */
    private static final class OneView extends ViewRegistry {
        OneView() {
            super(null, null, null, null);
        }

        @Override
        public ViewDescriptor get(String name) {
            return new ViewDescriptor(TestViews.LAYOUT.storageId(), TestViews.EDGES.name(), "ACTIVE", 1, false,
                    Instant.EPOCH, Instant.EPOCH, TestViews.EDGES);
        }
    }

    private record Sent(Mutation m, CompletableFuture<ApplyStatus> done) {}

    @Test
    void aStopUnderLoadAppliesOrRefusesEveryWriteAndLeavesNoCallerWaiting() throws Exception {
        MemoryKvStore store = new MemoryKvStore();
        EdgeWriter lanes = new EdgeWriter(store, 3);
        lanes.start();
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        AtomicBoolean go = new AtomicBoolean(true);
        AtomicBoolean stopped = new AtomicBoolean();
        List<Thread> producers = new java.util.ArrayList<>();
        for (int p = 0; p < 6; p++) {
            long base = p * 1_000_000L;
            Thread t = new Thread(() -> {
                long i = 0;
                while (go.get()) {
                    // Bounded whatever the scheduler does to the main thread (on a busy machine its short
                    // sleeps grew long enough for unbounded producers to fill the heap): 20,000 sends each
                    // before the stop, 20,000 more after it.
                    if (i >= (stopped.get() ? 40_000 : 20_000)) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        continue;
                    }
                    Mutation m = new Mutation(MutationType.INSERT, base + i, 7L, 1, PROPS);
                    sent.add(new Sent(m, lanes.apply(TestViews.LAYOUT, m)));
                    i++;
                }
            });
            t.start();
            producers.add(t);
        }
        while (sent.size() < 5_000) {
            Thread.sleep(5);
        }
        lanes.stop(); // while the producers still send
        stopped.set(true);
        Thread.sleep(50);
        go.set(false);
        for (Thread t : producers) {
            t.join(10_000);
        }

        int applied = 0;
        int refused = 0;
        for (Sent s : sent) {
            try {
                assertThat(s.done().get(5, TimeUnit.SECONDS)).isNotNull();
                applied++;
                for (Side side : Side.values()) {
                    Object node = side.node(s.m().source(), s.m().target());
                    Object other = side.other(s.m().source(), s.m().target());
                    assertThat(store.get(TestViews.LAYOUT.stateKey(side, node, other)))
                            .as("an applied write is on its %s side", side).isPresent();
                }
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(EdgeWriter.Stopped.class);
                refused++;
            }
        }
        assertThat(applied).isPositive();
        assertThat(refused).as("writes sent after the stop are refused, not left waiting").isPositive();
        assertThat(lanes.barrier()).isCompletedExceptionally();
    }

    @Test
    void aBatchCutByAStopIsFinishedFromItsIntakeRecordAtTheNextStart() throws Exception {
        MemoryKvStore store = new MemoryKvStore();
        ViewCatalog catalog = new ViewCatalog(new OneView(), 0);
        EdgeWriter stopped = new EdgeWriter(store, 2); // never started: every side is refused
        IntakeLog cut = new IntakeLog(store, stopped, catalog);
        List<Mutation> batch = List.of(new Mutation(MutationType.INSERT, 1L, 10L, 5, PROPS),
                new Mutation(MutationType.INSERT, 2L, 10L, 5, PROPS));
        List<IntakeLog.Outcome> outcomes = cut.finish(cut.write(TestViews.LAYOUT, batch), 1000);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isInstanceOf(EdgeWriter.Stopped.class));
        assertThat(SideApplier.count(store, TestViews.LAYOUT, Side.IN, 10L)).isZero();

        EdgeWriter lanes = new EdgeWriter(store, 2);
        lanes.start();
        try {
            IntakeLog restarted = new IntakeLog(store, lanes, catalog);
            assertThat(restarted.replay()).isEqualTo(1);
            assertThat(SideApplier.count(store, TestViews.LAYOUT, Side.OUT, 1L)).isEqualTo(1);
            assertThat(SideApplier.count(store, TestViews.LAYOUT, Side.IN, 10L)).isEqualTo(2);
            assertThat(restarted.replay()).as("a finished record is gone").isZero();
        } finally {
            lanes.stop();
        }
    }
}
