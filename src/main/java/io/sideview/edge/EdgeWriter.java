package io.sideview.edge;

import io.dropwizard.lifecycle.Managed;
import io.sideview.storage.KvStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Routes every apply of a (view, side, node) to one lane, a single thread, so each node side has a
 * single writer and needs no lock: hot nodes serialize only with themselves, other nodes proceed
 * on the other lanes. A lane takes whatever is queued (up to {@link #MAX_BATCH}) and applies it as
 * one batch, so storage round trips are shared by everything that arrived together.
 */
public class EdgeWriter implements Managed {
    static final int MAX_BATCH = 512;

    private record Task(SideApplier.Item item, CompletableFuture<ApplyStatus> done) {}

    private final SideApplier applier;
    private final List<BlockingQueue<Task>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public EdgeWriter(KvStore store, int laneCount) {
        this.applier = new SideApplier(store);
        for (int i = 0; i < laneCount; i++) {
            BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
            queues.add(queue);
            Thread t = new Thread(() -> drain(queue), "edge-apply-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Applies to every side the view keeps; the future completes with the OUT side's status (IN for IN-only views). */
    public CompletableFuture<ApplyStatus> apply(ViewLayout layout, Mutation m) {
        List<CompletableFuture<ApplyStatus>> sides = new ArrayList<>(2);
        if (layout.definition().direction().keepsOut()) {
            sides.add(submit(layout, Side.OUT, m));
        }
        if (layout.definition().direction().keepsIn()) {
            sides.add(submit(layout, Side.IN, m));
        }
        return CompletableFuture.allOf(sides.toArray(CompletableFuture[]::new)).thenApply(v -> sides.get(0).join());
    }

    /** One side only: the Kafka WAL carries one record per (view, side, node). */
    public CompletableFuture<ApplyStatus> applySide(ViewLayout layout, Side side, Mutation m) {
        return submit(layout, side, m);
    }

    private CompletableFuture<ApplyStatus> submit(ViewLayout layout, Side side, Mutation m) {
        if (!running) {
            return CompletableFuture.failedFuture(new IllegalStateException("the apply lanes are stopped"));
        }
        Object node = side == Side.OUT ? m.source() : m.target();
        int lane = Math.floorMod(31 * (31 * Long.hashCode(layout.viewId()) + side.code) + node.hashCode(), queues.size());
        CompletableFuture<ApplyStatus> done = new CompletableFuture<>();
        queues.get(lane).add(new Task(new SideApplier.Item(layout, side, m), done));
        return done;
    }

    private void drain(BlockingQueue<Task> queue) {
        List<Task> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Task first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                List<ApplyStatus> statuses = applier.applyAll(batch.stream().map(Task::item).toList());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(statuses.get(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The whole batch failed (storage): every caller sees it, nothing was committed for the
                // node sides whose commit record was not written, and a retry is idempotent.
                batch.forEach(t -> t.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
