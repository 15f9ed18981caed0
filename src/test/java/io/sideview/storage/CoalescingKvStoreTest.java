package io.sideview.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sideview.edge.MemoryKvStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Read coalescing, on a backend whose reads can be held "in flight": the backend takes its snapshot
 * when a read starts, then waits at a gate, as a network read would. Every test checks both that
 * reads were shared (fewer backend calls) and that no caller got an answer read before it asked.
 */
class CoalescingKvStoreTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final GatedStore backend = new GatedStore();

    @AfterEach
    void stop() {
        backend.open();
        pool.shutdownNow();
    }

    @Test
    void aReadAskedWhileTheSameReadIsInFlightSeesTheWriteAcknowledgedBeforeIt() throws Exception {
        CoalescingKvStore store = new CoalescingKvStore(backend, 1);
        store.put(b("k"), b("v1"));
        backend.hold();
        Future<String> first = pool.submit(() -> s(store.get(b("k")).orElseThrow()));
        waitFor(() -> backend.started() == 1); // its snapshot (v1) is taken; it waits at the gate
        store.put(b("k"), b("v2")); // acknowledged before the second caller asks
        Future<String> second = pool.submit(() -> s(store.get(b("k")).orElseThrow()));
        waitFor(() -> backend.waitingCallers() == 1);
        backend.open();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
        assertThat(second.get(10, TimeUnit.SECONDS)).as("a read already on its way predates the write").isEqualTo("v2");
        assertThat(backend.multiGets).hasSize(2);
    }

    @Test
    void callersAskingMeanwhileShareOneNextReadEachKeyOnce() throws Exception {
        CoalescingKvStore store = new CoalescingKvStore(backend, 1);
        for (int i = 0; i < 8; i++) {
            store.put(b("k" + i), b("v" + i));
        }
        backend.hold();
        Future<String> first = pool.submit(() -> s(store.get(b("k0")).orElseThrow()));
        waitFor(() -> backend.started() == 1);
        List<Future<List<byte[]>>> later = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            List<byte[]> keys = List.of(b("k" + (i % 8)), b("absent"), b("k" + ((i + 1) % 8)));
            later.add(pool.submit(() -> store.multiGet(keys)));
        }
        waitFor(() -> backend.waitingCallers() == 16);
        backend.open();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("v0");
        for (int i = 0; i < 16; i++) {
            List<byte[]> got = later.get(i).get(10, TimeUnit.SECONDS);
            assertThat(got).hasSize(3);
            assertThat(s(got.get(0))).isEqualTo("v" + (i % 8));
            assertThat(got.get(1)).isNull();
            assertThat(s(got.get(2))).isEqualTo("v" + ((i + 1) % 8));
        }
        assertThat(backend.multiGets).as("one read for the first caller, one for all 16 others").hasSize(2);
        assertThat(backend.multiGets.get(1)).as("each distinct key once").hasSize(9);
        assertThat(store.asked()).isEqualTo(17);
        assertThat(store.sent()).isEqualTo(2);
    }

    @Test
    void upToMaxInFlightBatchesRunAtOnceThenTheyQueue() throws Exception {
        ReadBatcher batcher = new ReadBatcher(backend::multiGet, 2, 1_000);
        backend.put(b("k"), b("v"));
        backend.hold();
        List<Future<?>> calls = new ArrayList<>();
        calls.add(pool.submit(() -> batcher.read(List.of(b("k")))));
        calls.add(pool.submit(() -> batcher.read(List.of(b("k")))));
        waitFor(() -> backend.started() == 2);
        calls.add(pool.submit(() -> batcher.read(List.of(b("k")))));
        calls.add(pool.submit(() -> batcher.read(List.of(b("k")))));
        waitFor(() -> backend.waitingCallers() == 2);
        assertThat(backend.started()).as("the third and fourth wait").isEqualTo(2);
        backend.open();
        for (Future<?> f : calls) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(backend.multiGets).hasSize(3);
    }

    @Test
    void aKeyNeverHasTwoReadsInFlightWhileKeysOfOtherLanesGoOn() throws Exception {
        CoalescingKvStore store = new CoalescingKvStore(backend, 2);
        byte[] hot = b("hot");
        byte[] other = otherLane(store, hot);
        store.put(hot, b("h"));
        store.put(other, b("o"));
        backend.hold();
        Future<?> first = pool.submit(() -> store.get(hot));
        waitFor(() -> backend.started() == 1);
        Future<?> again = pool.submit(() -> store.get(hot));
        waitFor(() -> backend.waitingCallers() == 1);
        Future<?> elsewhere = pool.submit(() -> store.get(other));
        waitFor(() -> backend.started() == 2);
        assertThat(backend.multiGets).containsExactly(List.of("hot"), List.of(s(other)));
        backend.open();
        first.get(10, TimeUnit.SECONDS);
        again.get(10, TimeUnit.SECONDS);
        elsewhere.get(10, TimeUnit.SECONDS);
        assertThat(backend.multiGets).hasSize(3);
    }

    @Test
    void aMultiGetOverSeveralLanesAnswersInKeyOrder() {
        CoalescingKvStore store = new CoalescingKvStore(backend, 3);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add(b("k" + i));
            if (i % 3 == 0) {
                store.put(b("k" + i), b("v" + i));
            }
        }
        keys.add(b("k3")); // twice
        List<byte[]> got = store.multiGet(keys);
        assertThat(got).hasSize(41);
        for (int i = 0; i < 40; i++) {
            assertThat(got.get(i) == null ? null : s(got.get(i))).as("k" + i).isEqualTo(i % 3 == 0 ? "v" + i : null);
        }
        assertThat(s(got.get(40))).isEqualTo("v3");
        assertThat(java.util.stream.IntStream.range(0, 40).map(i -> store.lane(keys.get(i))).distinct().count())
                .as("the keys spread over the lanes").isEqualTo(3);
    }

    private static byte[] otherLane(CoalescingKvStore store, byte[] key) {
        for (int i = 0; ; i++) {
            byte[] candidate = b("other" + i);
            if (store.lane(candidate) != store.lane(key)) {
                return candidate;
            }
        }
    }

    @Test
    void aFailedReadFailsItsCallersOnlyAndTheNextReadWorks() throws Exception {
        CoalescingKvStore store = new CoalescingKvStore(backend, 1);
        store.put(b("k"), b("v"));
        backend.failingCall = 2;
        backend.hold();
        Future<?> first = pool.submit(() -> store.get(b("k")));
        waitFor(() -> backend.started() == 1);
        List<Future<?>> later = List.of(pool.submit(() -> store.get(b("k"))), pool.submit(() -> store.get(b("k"))));
        waitFor(() -> backend.waitingCallers() == 2);
        backend.open();
        first.get(10, TimeUnit.SECONDS);
        for (Future<?> f : later) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StorageException.class)
                    .hasRootCauseMessage("backend down");
        }
        assertThat(store.get(b("k")).map(CoalescingKvStoreTest::s)).contains("v");
    }

    @Test
    void equalScansAskedMeanwhileRunOnceAfterTheRunningOneOthersRunApart() throws Exception {
        CoalescingKvStore store = new CoalescingKvStore(backend, 1);
        store.put(b("a1"), b("x"));
        backend.hold();
        KeyRange a = KeyRange.prefix(b("a"));
        Future<List<KeyValue>> first = pool.submit(() -> store.scan(a, false, 10));
        waitFor(() -> backend.started() == 1);
        store.put(b("a2"), b("y"));
        List<Future<List<KeyValue>>> same = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            same.add(pool.submit(() -> store.scan(KeyRange.prefix(b("a")), false, 10))); // equal, not identical, range
        }
        waitFor(() -> backend.waitingCallers() == 5);
        Future<List<KeyValue>> otherLimit = pool.submit(() -> store.scan(a, false, 1));
        waitFor(() -> backend.started() == 2); // a different scan does not wait
        backend.open();
        assertThat(first.get(10, TimeUnit.SECONDS)).hasSize(1);
        for (Future<List<KeyValue>> f : same) {
            List<KeyValue> got = f.get(10, TimeUnit.SECONDS);
            assertThat(got).extracting(kv -> s(kv.key())).containsExactly("a1", "a2");
            got.clear(); // each caller owns its list
        }
        assertThat(otherLimit.get(10, TimeUnit.SECONDS)).hasSize(1);
        assertThat(backend.scans).as("first, one for the five equal ones, the other limit").hasSize(3);
        assertThat(store.asked()).isEqualTo(7);
        assertThat(store.sent()).isEqualTo(3);
    }

    @Test
    void writesAndTheRestPassThrough() {
        CoalescingKvStore store = new CoalescingKvStore(backend, 4);
        store.write(List.of(new Write.Put(b("a"), b("1")), new Write.Put(b("b"), b("2")), new Write.Delete(b("a"))));
        store.delete(b("nothing"));
        assertThat(store.get(b("a"))).isEmpty();
        assertThat(store.multiGet(List.of())).isEmpty();
        assertThat(store.multiGet(List.of(b("b")))).singleElement().extracting(CoalescingKvStoreTest::s).isEqualTo("2");
        assertThat(store.atomicBatches()).isEqualTo(backend.atomicBatches());
        store.ping();
    }

    // ---------------------------------------------------------------- the backend

    /** A memory store whose reads, while held, take their snapshot at once and then wait at a gate. */
    private static final class GatedStore extends MemoryKvStore {
        final List<List<String>> multiGets /* point reads */ = new CopyOnWriteArrayList<>();
        final List<String> scans = new CopyOnWriteArrayList<>();
        volatile int failingCall = -1; // the multi-get (1-based) that fails after its wait
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void hold() {
            gate = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }

        int started() {
            return multiGets.size() + scans.size();
        }

        /** Threads parked in the coalescing layer, waiting for a later read (not in the backend). */
        int waitingCallers() {
            return (int) Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> e.getKey().getState() == Thread.State.WAITING || e.getKey().getState() == Thread.State.TIMED_WAITING)
                    .filter(e -> java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith("io.sideview.storage.Read")))
                    .filter(e -> java.util.Arrays.stream(e.getValue()).noneMatch(f -> f.getClassName().contains("GatedStore")))
                    .count();
        }

        @Override
        public Optional<byte[]> get(byte[] key) {
            Optional<byte[]> snapshot = super.get(key);
            held(List.of(key));
            return snapshot;
        }

        @Override
        public List<byte[]> multiGet(List<byte[]> keys) {
            List<byte[]> snapshot = super.multiGet(keys);
            held(keys);
            return snapshot;
        }

        /** Records a point read (get or multi-get alike), then waits at the gate. */
        private void held(List<byte[]> keys) {
            int call;
            synchronized (multiGets) {
                multiGets.add(keys.stream().map(CoalescingKvStoreTest::s).toList());
                call = multiGets.size();
            }
            await();
            if (call == failingCall) {
                throw new StorageException("backend down", new RuntimeException("backend down"));
            }
        }

        @Override
        public List<KeyValue> scan(KeyRange range, boolean reverse, int limit) {
            List<KeyValue> snapshot = super.scan(range, reverse, limit);
            scans.add(s(range.start()) + "/" + limit);
            await();
            return snapshot;
        }

        private void await() {
            try {
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 10 s");
            }
            Thread.sleep(5);
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
