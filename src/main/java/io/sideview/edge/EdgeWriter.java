package io.sideview.edge;

import com.codahale.metrics.Timer;
import io.dropwizard.lifecycle.Managed;
import io.sideview.storage.KvStore;
import io.sideview.storage.StorageConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The apply lanes. Every side mutation of a (view, side, node) goes to one lane, a single thread, so
 * each node side has a single writer and needs no lock: hot nodes serialize only with themselves,
 * other nodes proceed on the other lanes. A lane takes whatever is queued (up to {@link #MAX_BATCH})
 * and applies it as one batch, so storage round trips are shared by everything that arrived together.
 * Each lane has its own {@link SideApplier}, whose kept rows only that lane's thread touches.
 *
 * <p>Lanes run between {@link #start()} and {@link #stop()}. Work queued before the stop is
 * completed; work that reaches a lane after it stopped fails at once with {@link Stopped}, so no
 * caller ever waits for a lane that is gone.
 */
public class EdgeWriter implements Managed {
    static final int MAX_BATCH = 512;
    private static final long STOP_WAIT_MS = 30_000;

    /** Work refused because the lanes are stopped (or were never started). */
    public static final class Stopped extends IllegalStateException {
        Stopped() {
            super("the apply lanes are stopped");
        }
    }

    /** Queued work: an apply, or a job step that must run as the node side's single writer. */
    private sealed interface Task permits Apply, Bulk, Exclusive, ForgetAll {
        void refuse(RuntimeException why);
    }

    /** {@code epoch}: the writer's WAL ownership epoch, or {@link SideApplier#UNFENCED}. */
    private record Apply(SideMutation item, long epoch, CompletableFuture<ApplyStatus> done) implements Task {
        public void refuse(RuntimeException why) {
            done.completeExceptionally(why);
        }
    }

    /**
     * A producer's applies for one lane, in order, queued as one task: the lane takes them into one
     * batch, so a large batch (a history copy's) costs one storage round per lane rather than one for
     * each handful of items the lane happened to find queued when it woke.
     */
    private record Bulk(List<Apply> applies) implements Task {
        public void refuse(RuntimeException why) {
            applies.forEach(a -> a.refuse(why));
        }
    }

    /** {@code countKey}: the node side whose kept rows the work may change (null: none). */
    private record Exclusive(byte[] countKey, Runnable work, CompletableFuture<?> done) implements Task {
        public void refuse(RuntimeException why) {
            done.completeExceptionally(why);
        }
    }

    /** Drops every kept row of the lane. */
    private record ForgetAll(CompletableFuture<Void> done) implements Task {
        public void refuse(RuntimeException why) {
            done.completeExceptionally(why);
        }
    }

    /** One lane: its queue, its applier and its thread; {@code exited} once its thread stopped taking work. */
    private static final class Lane {
        final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
        final SideApplier applier;
        volatile boolean exited;
        Thread thread;

        Lane(SideApplier applier) {
            this.applier = applier;
        }

        /** Fails whatever is still queued: called by the lane's thread once it exits, and by a late producer. */
        void refuseQueued() {
            Stopped why = new Stopped();
            for (Task t; (t = queue.poll()) != null; ) {
                t.refuse(why);
            }
        }

        void add(Task t) {
            queue.add(t);
            // The lane may have exited between the caller's check and this add: then nobody will
            // take the task, so fail it here (the lane sets exited before its last drain, so one of
            // the two always sees it).
            if (exited) {
                refuseQueued();
            }
        }
    }

    private final KvStore store;
    private final UnaryOperator<ViewLayout> latest;
    private final KeptReads keptReads = new KeptReads();
    /** Apply latency: one lane batch against storage, whatever wrote it (API, capture, WAL consumer, jobs' writes). */
    private final Timer batches = new Timer();
    private final List<Lane> lanes = new ArrayList<>();
    private volatile boolean running;

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
            lanes.add(new Lane(new SideApplier(store, keptCounts / laneCount, keptStates / laneCount, keptReads)));
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 0; i < lanes.size(); i++) {
            Lane lane = lanes.get(i);
            lane.exited = false;
            lane.thread = new Thread(() -> drain(lane), "edge-apply-" + i);
            lane.thread.setDaemon(true);
            lane.thread.start();
        }
    }

    /** Applies to every side the view keeps; the future completes with the OUT side's status (IN for IN-only views). */
    public CompletableFuture<ApplyStatus> apply(ViewLayout layout, Mutation m) {
        return apply(layout, List.of(m)).get(0);
    }

    /**
     * The same for a batch of mutations of one view, queued as one task per lane (see {@link Bulk});
     * one future per mutation, in order. The mutations of a node side keep their order.
     */
    public List<CompletableFuture<ApplyStatus>> apply(ViewLayout layout, List<Mutation> mutations) {
        List<SideMutation> sides = new ArrayList<>(mutations.size() * 2);
        int[] firstSide = new int[mutations.size() + 1];
        for (int i = 0; i < mutations.size(); i++) {
            firstSide[i] = sides.size();
            sides.addAll(SideRouter.route(layout, mutations.get(i)));
        }
        firstSide[mutations.size()] = sides.size();
        List<CompletableFuture<ApplyStatus>> done = apply(sides, store.fences() ? SideApplier.CHECKED : SideApplier.UNFENCED);
        List<CompletableFuture<ApplyStatus>> out = new ArrayList<>(mutations.size());
        for (int i = 0; i < mutations.size(); i++) {
            List<CompletableFuture<ApplyStatus>> mine = done.subList(firstSide[i], firstSide[i + 1]);
            out.add(mine.size() == 1 ? mine.get(0)
                    : CompletableFuture.allOf(mine.toArray(CompletableFuture[]::new)).thenApply(v -> mine.get(0).join()));
        }
        return out;
    }

    /**
     * Side mutations from one writer at {@code epoch} (see {@link #apply(SideMutation, long)}), queued
     * as one task per lane; one future per side mutation, in order.
     */
    public List<CompletableFuture<ApplyStatus>> apply(List<SideMutation> sides, long epoch) {
        Map<Lane, List<Apply>> byLane = new LinkedHashMap<>();
        List<CompletableFuture<ApplyStatus>> out = new ArrayList<>(sides.size());
        for (SideMutation side : sides) {
            Apply a = new Apply(side, epoch, new CompletableFuture<>());
            byLane.computeIfAbsent(lane(side.storageId(), side.side(), side.node()), l -> new ArrayList<>()).add(a);
            out.add(a.done());
        }
        if (!running) {
            byLane.values().forEach(list -> new Bulk(list).refuse(new Stopped()));
        } else {
            byLane.forEach((lane, list) -> lane.add(new Bulk(list)));
        }
        return out;
    }

    /** One side mutation, on the lane of its node side. */
    public CompletableFuture<ApplyStatus> apply(SideMutation m) {
        return apply(m, store.fences() ? SideApplier.CHECKED : SideApplier.UNFENCED);
    }

    /**
     * One side mutation from a WAL partition this node owns since {@code epoch}: written only while no
     * newer owner has written its node side, else it fails with {@link Fenced} (see {@link SideApplier}).
     */
    public CompletableFuture<ApplyStatus> apply(SideMutation m, long epoch) {
        if (!running) {
            return CompletableFuture.failedFuture(new Stopped());
        }
        CompletableFuture<ApplyStatus> done = new CompletableFuture<>();
        lane(m.storageId(), m.side(), m.node()).add(new Apply(m, epoch, done));
        return done;
    }

    private Lane lane(long viewId, Side side, Object node) {
        return lanes.get(Math.floorMod(31 * (31 * Long.hashCode(viewId) + side.code) + node.hashCode(), lanes.size()));
    }

    /**
     * Runs {@code work} on the lane of (view, side, node), between two applies: as that node side's
     * single writer, so it sees and writes its records with no apply interleaving.
     */
    public <T> CompletableFuture<T> exclusive(ViewLayout layout, Side side, Object node, Function<KvStore, T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (!running) {
            return CompletableFuture.failedFuture(new Stopped());
        }
        lane(layout.storageId(), side, node).add(new Exclusive(layout.countKey(side, node), () -> {
            try {
                done.complete(work.apply(store));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, done));
        return done;
    }

    /** Whether storage refuses a fenced write of an older owner (see {@link KvStore#fences()}). */
    public boolean fences() {
        return store.fences();
    }

    /** Where the lanes' applies found their count and state rows: kept in memory or read. */
    public KeptReads keptReads() {
        return keptReads;
    }

    /** How long each lane batch took to apply (registered as {@code edge.apply.batches}). */
    public Timer batchTimer() {
        return batches;
    }

    /** Makes every apply completed so far durable against a machine crash (see {@link KvStore#sync()}). */
    public void sync() {
        store.sync();
    }

    /** Completes once every lane has finished what was queued before this call. */
    public CompletableFuture<Void> barrier() {
        return onEveryLane(f -> new Exclusive(null, () -> f.complete(null), f));
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
        if (!running) {
            return CompletableFuture.failedFuture(new Stopped());
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Lane lane : lanes) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            lane.add(task.apply(f));
            all.add(f);
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private void drain(Lane lane) {
        try {
            take(lane.queue, lane.applier);
        } finally {
            lane.exited = true;
            lane.refuseQueued();
        }
    }

    private void take(BlockingQueue<Task> queue, SideApplier applier) {
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
                    } else if (t instanceof Bulk b) {
                        batch.addAll(b.applies());
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

    /** Applies the batch in runs of one epoch, in order (applies of one writer share it: one run). */
    private void applyBatch(SideApplier applier, List<Apply> batch) {
        int from = 0;
        for (int i = 1; i <= batch.size(); i++) {
            if (i == batch.size() || batch.get(i).epoch() != batch.get(from).epoch()) {
                applyRun(applier, batch.subList(from, i), batch.get(from).epoch());
                from = i;
            }
        }
        batch.clear();
    }

    private void applyRun(SideApplier applier, List<Apply> batch, long epoch) {
        try {
            List<SideMutation> items = new ArrayList<>(batch.size());
            for (Apply a : batch) {
                items.add(a.item().withLayout(latest.apply(a.item().layout())));
            }
            List<ApplyStatus> statuses;
            try (Timer.Context ignored = batches.time()) {
                statuses = applier.applyAll(items, epoch);
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(statuses.get(i));
            }
        } catch (RuntimeException e) {
            // The whole batch failed (storage, or fenced): every caller sees it, nothing was committed for
            // the node sides whose commit record was not written, and a retry is idempotent.
            batch.forEach(a -> a.done().completeExceptionally(e));
        }
    }

    /**
     * Refuses new work, lets each lane finish what was queued, and waits for them (bounded: a lane
     * stuck in storage is left behind, and whatever is still queued is refused).
     */
    @Override
    public synchronized void stop() throws InterruptedException {
        running = false;
        long deadline = System.currentTimeMillis() + STOP_WAIT_MS;
        for (Lane lane : lanes) {
            if (lane.thread != null) {
                lane.thread.join(Math.max(1, deadline - System.currentTimeMillis()));
            }
            lane.exited = true;
            lane.refuseQueued();
        }
    }
}
