package io.sideview.edge;

import io.dropwizard.lifecycle.Managed;
import io.sideview.storage.KvStore;
import io.sideview.storage.StorageConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Routes every apply of a (view, side, node) to one lane, a single thread, so each node side has a
 * single writer and needs no lock: hot nodes serialize only with themselves, other nodes proceed
 * on the other lanes. A lane takes whatever is queued (up to {@link #MAX_BATCH}) and applies it as
 * one batch, so storage round trips are shared by everything that arrived together. Each lane has its
 * own {@link SideApplier}, whose kept rows only that lane's thread touches.
 */
public class EdgeWriter implements Managed {
    static final int MAX_BATCH = 512;

    /** Queued work: an apply, or a job step that must run as the node side's single writer. */
    private sealed interface Task permits Apply, Exclusive, ForgetAll {}

    private record Apply(SideApplier.Item item, CompletableFuture<ApplyStatus> done) implements Task {}

    /** {@code countKey}: the node side whose kept rows the work may change (null: none). */
    private record Exclusive(byte[] countKey, Runnable work) implements Task {}

    /** Drops every kept row of the lane. */
    private record ForgetAll(CompletableFuture<Void> done) implements Task {}

    private final KvStore store;
    private final UnaryOperator<ViewLayout> latest;
    private final KeptReads keptReads = new KeptReads();
    private final List<BlockingQueue<Task>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public EdgeWriter(KvStore store, int laneCount) {
        this(store, laneCount, UnaryOperator.identity());
    }

    /**
     * {@code latest} maps a layout to the view's current one when it is known: a lane applies with the
     * newest definition whatever the producer held, so once a revision is in the catalog every later
     * batch maintains its new indexes (what an index build relies on, after a {@link #barrier()}).
     */
    public EdgeWriter(KvStore store, int laneCount, UnaryOperator<ViewLayout> latest) {
        this(store, laneCount, latest, StorageConfig.DEFAULT_COUNT_CACHE_ROWS, StorageConfig.DEFAULT_STATE_CACHE_ROWS);
    }

    /**
     * {@code keptCounts}, {@code keptStates}: committed count rows and state rows kept in memory over
     * all lanes (0: read each from storage), see {@link SideApplier}.
     */
    public EdgeWriter(KvStore store, int laneCount, UnaryOperator<ViewLayout> latest, int keptCounts,
                      int keptStates) {
        this.store = store;
        this.latest = latest;
        for (int i = 0; i < laneCount; i++) {
            BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
            SideApplier applier = new SideApplier(store, keptCounts / laneCount, keptStates / laneCount, keptReads);
            queues.add(queue);
            Thread t = new Thread(() -> drain(queue, applier), "edge-apply-" + i);
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
        CompletableFuture<ApplyStatus> done = new CompletableFuture<>();
        queues.get(lane(layout, side, node)).add(new Apply(new SideApplier.Item(layout, side, m), done));
        return done;
    }

    private int lane(ViewLayout layout, Side side, Object node) {
        return Math.floorMod(31 * (31 * Long.hashCode(layout.viewId()) + side.code) + node.hashCode(), queues.size());
    }

    /**
     * Runs {@code work} on the lane of (view, side, node), between two applies: as that node side's
     * single writer, so it sees and writes its records with no apply interleaving.
     */
    public <T> CompletableFuture<T> exclusive(ViewLayout layout, Side side, Object node, Function<KvStore, T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (!running) {
            return CompletableFuture.failedFuture(new IllegalStateException("the apply lanes are stopped"));
        }
        queues.get(lane(layout, side, node)).add(new Exclusive(layout.countKey(side, node), () -> {
            try {
                done.complete(work.apply(store));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }));
        return done;
    }

    /** Where the lanes' applies found their count and state rows: kept in memory or read. */
    public KeptReads keptReads() {
        return keptReads;
    }

    /** Makes every apply completed so far durable against a machine crash (see {@link KvStore#sync()}). */
    public void sync() {
        store.sync();
    }

    /** Completes once every lane has finished what was queued before this call. */
    public CompletableFuture<Void> barrier() {
        return onEveryLane(f -> new Exclusive(null, () -> f.complete(null)));
    }

    /**
     * Makes every lane drop its kept rows before its next apply: call it when node sides of
     * this process may have been written by another one (a WAL partition assigned back to it).
     */
    public CompletableFuture<Void> forgetKeptRows() {
        return onEveryLane(ForgetAll::new);
    }

    /** Queues one task per lane, each completing its own future; done when every lane has run its task. */
    private CompletableFuture<Void> onEveryLane(Function<CompletableFuture<Void>, Task> task) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (BlockingQueue<Task> queue : queues) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            queue.add(task.apply(f));
            all.add(f);
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private void drain(BlockingQueue<Task> queue, SideApplier applier) {
        List<Task> taken = new ArrayList<>(MAX_BATCH);
        List<Apply> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Task first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                taken.add(first);
                queue.drainTo(taken, MAX_BATCH - 1);
                // Applies are batched; an exclusive step runs after the applies queued before it.
                for (Task t : taken) {
                    if (t instanceof Apply a) {
                        batch.add(a);
                    } else if (t instanceof Exclusive x) {
                        applyBatch(applier, batch);
                        if (x.countKey() != null) {
                            applier.forget(x.countKey());
                        }
                        x.work().run();
                    } else if (t instanceof ForgetAll f) {
                        applyBatch(applier, batch);
                        applier.forgetAll();
                        f.done().complete(null);
                    }
                }
                applyBatch(applier, batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                taken.clear();
            }
        }
    }

    private void applyBatch(SideApplier applier, List<Apply> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            List<SideApplier.Item> items = new ArrayList<>(batch.size());
            for (Apply a : batch) {
                SideApplier.Item it = a.item();
                items.add(new SideApplier.Item(latest.apply(it.layout()), it.side(), it.mutation()));
            }
            List<ApplyStatus> statuses = applier.applyAll(items);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(statuses.get(i));
            }
        } catch (RuntimeException e) {
            // The whole batch failed (storage): every caller sees it, nothing was committed for the
            // node sides whose commit record was not written, and a retry is idempotent.
            batch.forEach(a -> a.done().completeExceptionally(e));
        } finally {
            batch.clear();
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
